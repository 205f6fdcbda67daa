import type Koa from 'koa';
import getRawBody from 'raw-body';
import { errorAnswers, sandboxHeaders as sharedSandboxHeaders } from '../shared/middleware';
import { isValidAccessToken } from './access-tokens';
import type { PayPalSandboxCore } from './core';
import { authenticationFailure, invalidRequest, PayPalApiError } from './errors';
import type { RequestState } from './http-state';
import { newDebugId } from './ids';

type Middleware = Koa.Middleware<RequestState>;

/** Labels every answer as coming from the sandbox and logs one line per request. */
export function sandboxHeaders(core: PayPalSandboxCore): Middleware {
  return sharedSandboxHeaders<RequestState>('paypal', core.log, (ctx) => ctx.set('Paypal-Debug-Id', newDebugId()));
}

/** Renders PayPalApiError in PayPal's error shape; anything else is a sandbox bug (500). */
export function paypalErrors(core: PayPalSandboxCore): Middleware {
  return errorAnswers<RequestState>(core.log, {
    apiError: (error) => (error instanceof PayPalApiError ? { status: error.status, body: structuredClone(error.body) } : null),
    clientError: (description) => invalidRequest({ issue: 'MALFORMED_REQUEST', description }).body,
    internalError: () => new PayPalApiError(500, 'INTERNAL_SERVER_ERROR', 'The PayPal sandbox hit an internal error; see its log.').body,
  });
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
