import { randomUUID } from 'node:crypto';
import { html, type Html, raw } from './html';
import type { Flash } from './sessions';

export interface NavItem {
  href: string;
  label: string;
}

export interface PageFrame {
  /** Null on the sign-in page: no session, no navigation. */
  csrfToken: string | null;
  flash: Flash | null;
  nav: NavItem[];
  currentPath: string;
}

// htmx without eval, inline scripts or injected styles (the CSP allows none), and no page copies in localStorage:
// pages hold payment data and the CSRF token. Every answer is swapped, so error pages show like any other.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false, allowScriptTags: false, includeIndicatorStyles: false, historyCacheSize: 0, refreshOnHistoryMiss: true,
  selfRequestsOnly: true, responseHandling: [{ code: '204', swap: false }, { code: '...', swap: true }],
});

export function layout(frame: PageFrame, title: string, content: Html): string {
  const navigation = frame.csrfToken
    ? html`<nav aria-label="Console">
        <ul>
          ${frame.nav.map((item) => html`<li><a href="${item.href}" ${frame.currentPath.startsWith(item.href) ? raw('aria-current="page"') : ''}>${item.label}</a></li>`)}
        </ul>
        <form method="post" action="/admin/sign-out" class="sign-out">${csrfField(frame.csrfToken)}<button type="submit">Sign out</button></form>
      </nav>`
    : '';
  const flash = frame.flash
    ? html`<p class="flash flash-${frame.flash.kind}" role="${frame.flash.kind === 'error' ? 'alert' : 'status'}">${frame.flash.message}</p>`
    : '';
  return `<!doctype html>${html`<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="htmx-config" content="${HTMX_CONFIG}">
  <title>${title} · Durapay admin</title>
  <link rel="stylesheet" href="/admin/assets/console.css">
  <script src="/admin/assets/htmx.min.js" defer></script>
</head>
<body hx-boost="true">
  <a class="skip" href="#main">Skip to content</a>
  <header>
    <a class="brand" href="/admin/payments">Durapay admin</a>
    ${navigation}
  </header>
  <main id="main" tabindex="-1">
    <h1>${title}</h1>
    ${flash}
    ${content}
  </main>
</body>
</html>`.value}`;
}

export const csrfField = (token: string): Html => html`<input type="hidden" name="_csrf" value="${token}">`;

/**
 * A form that changes something: the session's CSRF token, and an idempotency key minted when the page was drawn, so
 * pressing the button twice (or the browser resending the post) replays the first answer instead of acting again.
 */
export function actionForm(frame: PageFrame, action: string, button: string, fields: Html | string = '', options: { danger?: boolean; className?: string } = {}): Html {
  return html`<form method="post" action="${action}" class="action ${options.className ?? ''}">
    ${csrfField(frame.csrfToken ?? '')}
    <input type="hidden" name="idempotency_key" value="${`console-${randomUUID()}`}">
    ${fields}
    <button type="submit" class="${options.danger ? 'danger' : ''}">${button}</button>
  </form>`;
}

/** A labelled input; `id` is unique on the page (several forms may share field names). */
export const field = (id: string, label: string, input: Html): Html => html`<div class="field"><label for="${id}">${label}</label>${input}</div>`;

export function select(id: string, name: string, options: Array<[string, string]>, selected: string | undefined, attributes: Html | string = ''): Html {
  return html`<select id="${id}" name="${name}" ${attributes}>
    ${options.map(([value, label]) => html`<option value="${value}" ${value === (selected ?? '') ? raw('selected') : ''}>${label}</option>`)}
  </select>`;
}

/**
 * Approve (an optional note) beside a refusal that needs its reason: the refund queue, risk reviews and a held
 * payment's page. Both post `reason`; `key` keeps the field ids unique on the page.
 */
export function decisionForms(frame: PageFrame, base: string, key: string, refuse: { action: string; button: string; label: string }): Html {
  return html`<div class="decisions">
    ${actionForm(frame, `${base}/approve`, 'Approve', field(`approve-${key}`, 'Note (optional)', html`<input id="approve-${key}" name="reason" type="text" maxlength="1000">`))}
    ${actionForm(frame, `${base}/${refuse.action}`, refuse.button, field(`${refuse.action}-${key}`, refuse.label, html`<textarea id="${refuse.action}-${key}" name="reason" rows="2" required maxlength="1000"></textarea>`), { danger: true })}
  </div>`;
}
