/** The shell of the sandboxes' few HTML pages: every page says plainly that it is a sandbox. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** What tells one sandbox's pages from the other's. */
export interface PageLook {
  /** After the title, e.g. "Stripe sandbox". */
  site: string;
  banner: string;
  maxWidth: string;
  /** Rules for the page's own forms and buttons. */
  css: string;
}

export function sandboxPage(look: PageLook, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)} · ${look.site}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:${look.maxWidth};margin:2rem auto;padding:0 1rem;color:#222}
.banner{background:#fff3cd;border:1px solid #e0c36b;padding:.6rem .8rem;border-radius:6px;font-weight:600}
${look.css}
</style></head>
<body>
<p class="banner">${escapeHtml(look.banner)}</p>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}
