/** Tiny HTML pages; every one says plainly that this is a sandbox, not PayPal. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export const SANDBOX_BANNER = 'Durapay PayPal sandbox — this is not PayPal, and no real money moves';

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · PayPal sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6rem .8rem;border-radius:6px;font-weight:600}
form{margin:.8rem 0}
button{font-size:1rem;padding:.5rem 1rem;cursor:pointer;min-width:16rem;text-align:left}
small{color:#555}
</style></head>
<body>
<p class="banner">${escapeHtml(SANDBOX_BANNER)}</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}
