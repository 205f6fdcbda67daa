import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { AdminSession, AdminSessionStore } from '../admin/sessions';

/** The console's cookie: HttpOnly, SameSite=Strict, scoped to /admin; it holds a random token, never the key. */
export const SESSION_COOKIE = 'durapay_admin_session';

declare module 'koa' {
  interface DefaultState {
    adminSession?: AdminSession;
    /** An /admin form's fields (application/x-www-form-urlencoded). */
    form?: Record<string, string>;
  }
}

export const isStateChanging = (ctx: Context): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(ctx.method);

export function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Set-Cookie written by hand: Koa's cookie jar refuses `Secure` behind a TLS-terminating proxy it was not told about. */
export function cookieHeader(name: string, value: string, options: { path: string; maxAgeSeconds: number; secure: boolean }): string {
  return [`${name}=${value}`, `Path=${options.path}`, `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(options.secure ? ['Secure'] : [])].join('; ');
}

/**
 * Every /admin answer: no framing, no caching of pages that hold payment data or CSRF tokens, scripts and styles only
 * from the console itself (htmx runs without eval or inline scripts).
 */
export async function adminSecurityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  if (!ctx.path.startsWith('/admin/assets/')) ctx.set('Cache-Control', 'no-store');
  await next();
}

/** Parses urlencoded form bodies of /admin posts (the API itself speaks JSON only); also as the body the API's input checks read. */
export async function readAdminForm(ctx: Context, next: Next): Promise<void> {
  if (isStateChanging(ctx)) {
    const raw = ctx.state.rawBody?.toString('utf8') ?? '';
    ctx.state.form = Object.fromEntries(new URLSearchParams(ctx.is('application/x-www-form-urlencoded') || raw === '' ? raw : ''));
    ctx.state.body = ctx.state.form;
  }
  await next();
}

/** Browsers say where a request comes from: anything but this origin (or a typed URL) is refused before the token check. */
function crossSite(ctx: Context): boolean {
  const site = ctx.get('sec-fetch-site');
  return site !== '' && site !== 'same-origin' && site !== 'none';
}

/**
 * Cookie-session authentication for the console, separate from the API's bearer keys. A page without a live session
 * sends the browser to sign in; a state-changing request must also carry the session's synchronizer token
 * (`_csrf` field or `X-CSRF-Token` header) and come from this origin, or it is refused with 403.
 */
export function requireAdminSession(store: AdminSessionStore, refuse: (ctx: Context, status: 401 | 403, message: string) => void) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const token = ctx.cookies.get(SESSION_COOKIE);
    const session = token ? await store.find(token) : null;
    if (!session) {
      if (isStateChanging(ctx)) return refuse(ctx, 401, 'Your session has ended. Sign in again.');
      ctx.redirect(`/admin/sign-in?next=${encodeURIComponent(ctx.originalUrl)}`);
      return;
    }
    if (isStateChanging(ctx)) {
      const sent = ctx.state.form?._csrf ?? ctx.get('x-csrf-token');
      if (crossSite(ctx) || !sent || !sameToken(sent, session.csrfToken)) {
        return refuse(ctx, 403, 'This form has expired or did not come from the console (missing or wrong CSRF token). Reload the page and try again.');
      }
    }
    ctx.state.adminSession = session;
    await next();
  };
}

export { crossSite as isCrossSiteRequest };
