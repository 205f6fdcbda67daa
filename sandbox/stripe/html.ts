import { sandboxPage, type PageLook } from '../shared/html';

/** Tiny HTML pages for the 3-D Secure challenge and mandates. */

export { escapeHtml } from '../shared/html';

const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);

export function formatAmount(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? String(amount) : (amount / 100).toFixed(2);
  return `${major} ${currency.toUpperCase()}`;
}

export const SANDBOX_BANNER = 'Durapay Stripe sandbox — no real money moves';

export const PAGE_LOOK: PageLook = {
  site: 'Stripe sandbox',
  banner: SANDBOX_BANNER,
  maxWidth: '32rem',
  css: `form{display:inline-block;margin:1rem 1rem 0 0}
button{font-size:1rem;padding:.5rem 1rem;cursor:pointer}`,
};

export function page(title: string, body: string): string {
  return sandboxPage(PAGE_LOOK, title, body);
}
