import { sandboxPage, type PageLook } from '../shared/html';

/** Tiny HTML pages; every one says plainly that this is a sandbox, not PayPal. */

export { escapeHtml } from '../shared/html';

export const SANDBOX_BANNER = 'Durapay PayPal sandbox — this is not PayPal, and no real money moves';

export const PAGE_LOOK: PageLook = {
  site: 'PayPal sandbox',
  banner: SANDBOX_BANNER,
  maxWidth: '34rem',
  css: `form{margin:.8rem 0}
button{font-size:1rem;padding:.5rem 1rem;cursor:pointer;min-width:16rem;text-align:left}
small{color:#555}`,
};

export function page(title: string, body: string): string {
  return sandboxPage(PAGE_LOOK, title, body);
}
