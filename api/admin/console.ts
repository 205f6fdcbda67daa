import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Database } from '../../platform/database';
import type { Logger } from '../../platform/logger';
import type { ProviderRegistry } from '../../providers/registry';
import { ApiError } from '../errors';
import { keyId } from '../middleware/auth';
import { inspectInput, readBody } from '../middleware/body';
import {
  adminSecurityHeaders, cookieHeader, isCrossSiteRequest, readAdminForm, requireAdminSession, SESSION_COOKIE, sameToken,
} from '../middleware/admin-session';
import { type ApiAnswer, ApiCallError, InProcessApi } from './api-client';
import { html, type Html } from './html';
import { layout, type NavItem, type PageFrame } from './layout';
import { ConsoleLinks, type TemporalUi } from './links';
import { addAlertPages } from './pages/alerts';
import { addDisputePages } from './pages/disputes';
import { addPaymentPages } from './pages/payments';
import { addRefundPages } from './pages/refunds';
import { addRevenuePages } from './pages/revenue';
import { addReviewPages } from './pages/reviews';
import { addWebhookPages } from './pages/webhooks';
import { signInPage } from './pages/sign-in';
import { addSyncPages } from './pages/syncs';
import { AdminSessionStore } from './sessions';

export interface AdminConsoleDependencies {
  db: Database;
  log: Logger;
  providers: ProviderRegistry;
  adminKey?: string;
  /** The API's own request listener: the console reads and acts through it. */
  apiCallback: () => http.RequestListener;
  temporalUi: TemporalUi | null;
  /** https: the cookies get `Secure`. */
  publicUrl: string;
  sessionHours: number;
}

declare module 'koa' {
  interface DefaultState {
    frame?: PageFrame;
  }
}

/** What every page module gets: the API, links out, and how to draw a page or finish a form. */
export interface ConsoleKit {
  /** The API on behalf of this request's browser. */
  api(ctx: Context): InProcessApi;
  links: ConsoleLinks;
  render(ctx: Context, title: string, content: Html, status?: number): void;
  /**
   * Runs one API command for a posted form and goes back to `back` (post/redirect/get), with the outcome shown once:
   * `success` on a 2xx answer, the API's own error message otherwise.
   */
  act(ctx: Context, back: string | ((body: any) => string), call: (form: Record<string, string>, idempotencyKey: string) => Promise<ApiAnswer>, success: (body: any) => string): Promise<void>;
}

const NAV: NavItem[] = [
  { href: '/admin/payments', label: 'Payments' },
  { href: '/admin/refunds', label: 'Refund queue' },
  { href: '/admin/reviews', label: 'Risk reviews' },
  { href: '/admin/disputes', label: 'Disputes' },
  { href: '/admin/alerts', label: 'Alerts' },
  { href: '/admin/syncs', label: 'Sync runs' },
  { href: '/admin/revenue', label: 'Revenue' },
  { href: '/admin/webhooks', label: 'Webhook endpoints' },
];

const SIGN_IN_COOKIE = 'durapay_admin_signin';
/** Console forms are a few short fields. */
const ADMIN_FORM_LIMIT_BYTES = 16 * 1024;
const ASSETS: Record<string, { file: string; type: string }> = {
  'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript' },
  'console.css': { file: path.join(__dirname, 'assets', 'console.css'), type: 'text/css' },
};

/** Only a path inside the console may be returned to after signing in. */
const safeNext = (next: unknown): string => (typeof next === 'string' && /^\/admin(\/[^/\\]|$|\?)/.test(next) ? next : '/admin/payments');

/** The admin console at /admin: server-rendered pages over the API's own routes, behind a cookie session. */
export function createAdminConsole(deps: AdminConsoleDependencies): Router {
  const store = new AdminSessionStore(deps.db, deps.sessionHours * 3600);
  const secure = deps.publicUrl.startsWith('https:');
  const api = new InProcessApi(deps.apiCallback, () => (deps.adminKey ? `Bearer ${deps.adminKey}` : null));
  const router = new Router({ prefix: '/admin' });

  const frameFor = (ctx: Context): PageFrame =>
    ctx.state.frame ?? { csrfToken: null, flash: null, nav: NAV, currentPath: ctx.path };
  const render = (ctx: Context, title: string, content: Html, status = 200) => {
    ctx.status = status;
    ctx.type = 'html';
    // A boosted link or a form's redirect: the address bar shows the page drawn.
    if (ctx.get('hx-boosted') === 'true' && ctx.method === 'GET') ctx.set('HX-Push-Url', ctx.originalUrl);
    ctx.body = layout(frameFor(ctx), title, content);
  };
  const refuse = (ctx: Context, status: 401 | 403, message: string) => render(ctx, status === 401 ? 'Signed out' : 'Refused', html`<p role="alert">${message}</p><p><a href="/admin/sign-in">Sign in</a></p>`, status);

  const kit: ConsoleKit = {
    api: (ctx) => api.forClient(ctx.ip), links: new ConsoleLinks(deps.temporalUi, deps.providers), render,
    async act(ctx, back, call, success) {
      const form = ctx.state.form ?? {};
      const answer = await call(form, form.idempotency_key ?? '');
      const ok = answer.status >= 200 && answer.status < 300;
      await store.setFlash(ctx.state.adminSession!.id, ok
        ? { kind: 'success', message: success(answer.body) }
        : { kind: 'error', message: answer.body?.error?.message ?? `The API answered ${answer.status}.` });
      ctx.status = 303;
      ctx.redirect(typeof back === 'string' ? back : ok ? back(answer.body) : back(null));
    },
  };

  router.use(adminSecurityHeaders);
  router.use(async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof ApiError) {
        render(ctx, 'Refused', html`<p role="alert">${error.message}</p>`, error.status);
        return;
      }
      if (!(error instanceof ApiCallError)) {
        deps.log.error({ err: error, path: ctx.path }, 'admin console page failed');
        render(ctx, 'Something went wrong', html`<p role="alert">The console could not draw this page. The server log has the details.</p>`, 500);
        return;
      }
      render(ctx, error.status === 404 ? 'Not found' : 'The API refused', html`<p role="alert">${error.message}</p>`, error.status);
    }
  });
  router.use(readBody({ limitBytes: ADMIN_FORM_LIMIT_BYTES, raw: true }));
  router.use(readAdminForm);
  // The API's own checks on what a person typed (card numbers, NUL characters), before anything runs.
  router.use(inspectInput);

  router.get('/assets/:name', (ctx) => {
    const asset = ASSETS[ctx.params.name];
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = readFileSync(asset.file);
  });

  router.get('/', (ctx) => ctx.redirect('/admin/payments'));

  router.get('/sign-in', (ctx) => {
    const token = randomBytes(24).toString('base64url');
    ctx.append('Set-Cookie', cookieHeader(SIGN_IN_COOKIE, token, { path: '/admin/sign-in', maxAgeSeconds: 900, secure }));
    render(ctx, 'Sign in', signInPage(token, safeNext(ctx.query.next), null));
  });

  router.post('/sign-in', async (ctx) => {
    const form = ctx.state.form ?? {};
    const expected = ctx.cookies.get(SIGN_IN_COOKIE);
    const next = safeNext(form.next);
    if (isCrossSiteRequest(ctx) || !expected || !form._csrf || !sameToken(form._csrf, expected)) {
      return refuse(ctx, 403, 'This sign-in form has expired or did not come from the console. Reload it and try again.');
    }
    const key = form.admin_key ?? '';
    // The API itself decides whether this is the admin key: its own authentication, nothing compared here.
    const check = key ? await kit.api(ctx).request('GET', '/v1/admin/providers', { authorization: `Bearer ${key}` }) : { status: 401, body: null };
    if (check.status !== 200) {
      // Guessing is slowed by the API's own per-address rate limit: its 429 is shown as it is.
      const message = check.status === 429 ? (check.body?.error?.message as string) : 'That is not the admin key. Check it and try again.';
      return render(ctx, 'Sign in', signInPage(expected, next, message), check.status === 429 ? 429 : 401);
    }
    const { token } = await store.create(keyId('admin', key));
    ctx.append('Set-Cookie', cookieHeader(SESSION_COOKIE, token, { path: '/admin', maxAgeSeconds: deps.sessionHours * 3600, secure }));
    ctx.append('Set-Cookie', cookieHeader(SIGN_IN_COOKIE, '', { path: '/admin/sign-in', maxAgeSeconds: 0, secure }));
    ctx.status = 303;
    ctx.redirect(next);
  });

  const pages = new Router();
  pages.use(requireAdminSession(store, refuse));
  pages.use(async (ctx: Context, next: Next) => {
    const session = ctx.state.adminSession!;
    const flash = ctx.method === 'GET' && !ctx.get('hx-trigger') ? await store.takeFlash(session.id) : null;
    ctx.state.frame = { csrfToken: session.csrfToken, flash, nav: NAV, currentPath: ctx.path };
    await next();
  });
  pages.post('/sign-out', async (ctx) => {
    await store.delete(ctx.state.adminSession!.id);
    ctx.append('Set-Cookie', cookieHeader(SESSION_COOKIE, '', { path: '/admin', maxAgeSeconds: 0, secure }));
    ctx.status = 303;
    ctx.redirect('/admin/sign-in');
  });
  addPaymentPages(pages, kit);
  addRefundPages(pages, kit);
  addDisputePages(pages, kit);
  addAlertPages(pages, kit);
  addSyncPages(pages, kit);
  addRevenuePages(pages, kit);
  addReviewPages(pages, kit);
  addWebhookPages(pages, kit);
  // Any other console address: a page that says so, with the navigation, rather than the API's JSON 404.
  pages.get('/{*rest}', (ctx) => render(ctx, 'Not found', html`<p role="alert">The console has no page at ${ctx.path}.</p>`, 404));
  router.use(pages.routes(), pages.allowedMethods());
  return router;
}
