/** Tiny HTML pages for the 3-D Secure challenge; every page says plainly it is a sandbox. */

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

export function formatAmount(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return `${major} ${currency.toUpperCase()}`;
}

export const SANDBOX_BANNER = 'Durapay Stripe sandbox — no real money moves';

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · Stripe sandbox</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#222}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6rem .8rem;border-radius:6px;font-weight:600}
form{display:inline-block;margin:1rem 1rem 0 0}
button{font-size:1rem;padding:.5rem 1rem;cursor:pointer}
</style></head>
<body>
<p class="banner">${escapeHtml(SANDBOX_BANNER)}</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}
