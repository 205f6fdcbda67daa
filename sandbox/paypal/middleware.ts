import type Koa from 'koa';
import getRawBody from 'raw-body';
import { isValidAccessToken } from './access-tokens';
import type { PayPalSandboxCore } from './core';
import { authenticationFailure, invalidRequest, PayPalApiError } from './errors';
import type { RequestState } from './http-state';
import { newDebugId } from './ids';

type Middleware = Koa.Middleware<RequestState>;

/** Labels every answer as coming from the sandbox and logs one line per request. */
export function sandboxHeaders(core: PayPalSandboxCore): Middleware {
  return async (ctx, next) => {
    ctx.set('Durapay-Sandbox', 'paypal');
    ctx.set('Paypal-Debug-Id', newDebugId());
    try {
      await next();
    } finally {
      core.log(`${ctx.method} ${ctx.path} -> ${ctx.status}`);
    }
  };
}

/** Renders PayPalApiError in PayPal's error shape; anything else is a sandbox bug (500). */
export function paypalErrors(core: PayPalSandboxCore): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof PayPalApiError) {
        ctx.status = error.status;
        ctx.body = structuredClone(error.body);
        return;
      }
      // http-errors from raw-body (413 too large, 400 aborted) are the caller's fault.
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        const answer = invalidRequest({ issue: 'MALFORMED_REQUEST', description: (error as Error).message });
        ctx.status = status;
        ctx.body = answer.body;
        return;
      }
      core.log(`internal error on ${ctx.method} ${ctx.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      ctx.status = 500;
      ctx.body = new PayPalApiError(500, 'INTERNAL_SERVER_ERROR', 'The PayPal sandbox hit an internal error; see its log.').body;
    }
  };
}

/** JSON bodies for the API and the switches; form bodies for the token endpoint and the checkout page. */
export function parseBody(): Middleware {
  return async (ctx, next) => {
    ctx.state.body = undefined;
    if (ctx.method === 'POST' || ctx.method === 'PATCH') {
      const raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
      if (ctx.is('application/x-www-form-urlencoded')) {
        ctx.state.body = Object.fromEntries(new URLSearchParams(raw));
      } else if (raw.trim() !== '') {
        try {
          ctx.state.body = JSON.parse(raw) as unknown;
        } catch {
          throw invalidRequest({ issue: 'MALFORMED_REQUEST_JSON', description: 'The request JSON is not well formed.' });
        }
      }
    }
    await next();
  };
}

/** The REST API (/v1, /v2) wants a Bearer token from /v1/oauth2/token; the sandbox's own pages don't. */
export function requireAccessToken(core: PayPalSandboxCore): Middleware {
  return async (ctx, next) => {
    const isApi = /^\/v[12]\//.test(ctx.path) && ctx.path !== '/v1/oauth2/token';
    if (isApi) {
      const header = ctx.get('Authorization');
      const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!isValidAccessToken(core.clientSecret, token)) throw authenticationFailure();
    }
    await next();
  };
}
