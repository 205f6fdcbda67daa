import type Koa from 'koa';
import getRawBody from 'raw-body';
import qs from 'qs';
import { errorAnswers, sandboxHeaders as sharedSandboxHeaders } from '../shared/middleware';
import type { SandboxCore } from './core';
import { StripeApiError } from './errors';
import { API_VERSION, startOperation } from './events';
import type { RequestState } from './http-state';
import { newId } from './ids';
import type { Params } from './params';

type Middleware = Koa.Middleware<RequestState>;

const QS_OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 };

/** Labels every answer as coming from the sandbox and logs one line per request. */
export function sandboxHeaders(core: SandboxCore): Middleware {
  return sharedSandboxHeaders<RequestState>('stripe', core.log, (ctx) => {
    ctx.state.requestId = newId('req');
    ctx.set('Request-Id', ctx.state.requestId);
    ctx.set('Stripe-Version', API_VERSION);
  });
}

/** Renders StripeApiError as Stripe's error envelope; anything else is a sandbox bug (500). */
export function stripeErrors(core: SandboxCore): Middleware {
  return errorAnswers<RequestState>(core.log, {
    apiError: (error) => (error instanceof StripeApiError ? { status: error.status, body: { error: structuredClone(error.body) } } : null),
    clientError: (message) => ({ error: { type: 'invalid_request_error', message } }),
    internalError: () => ({ error: { type: 'api_error', message: 'The Stripe sandbox hit an internal error; see its log.' } }),
  });
}

/** Form bodies (what the Stripe SDK sends) or JSON (the /_sandbox switches); query string for GETs. */
export function parseParams(): Middleware {
  return async (ctx, next) => {
    let params: Params = qs.parse(ctx.querystring, QS_OPTIONS) as Params;
    if (ctx.method === 'POST' || ctx.method === 'DELETE') {
      const raw = await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' });
      if (ctx.is('application/json')) {
        try {
          params = raw.trim() === '' ? {} : (JSON.parse(raw) as Params);
        } catch {
          throw new StripeApiError(400, { type: 'invalid_request_error', message: 'Invalid JSON body.' });
        }
      } else {
        params = qs.parse(raw, QS_OPTIONS) as Params;
      }
    }
    ctx.state.params = params;
    await next();
  };
}

/** Any key starting sk_test_, as Bearer (the SDK) or Basic (curl -u sk_test_...:). */
export function requireTestKey(): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    let key = '';
    if (header.startsWith('Bearer ')) key = header.slice(7).trim();
    else if (header.startsWith('Basic ')) key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
    if (!key.startsWith('sk_test_')) {
      const shown = key ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : '';
      throw new StripeApiError(401, {
        type: 'invalid_request_error',
        message: key
          ? `Invalid API Key provided: ${shown}. The Durapay Stripe sandbox accepts any key starting with sk_test_.`
          : "Invalid API Key provided: you did not provide an API key. Use the Authorization header with Bearer auth (e.g. 'Authorization: Bearer sk_test_...').",
      });
    }
    ctx.state.apiKey = key;
    await next();
  };
}

/** Groups the events a request produces; they go to delivery once the request is done. */
export function operationScope(core: SandboxCore): Middleware {
  return async (ctx, next) => {
    const idempotencyKey = ctx.method === 'POST' ? ctx.get('Idempotency-Key') || null : null;
    ctx.state.operation = startOperation(core.store, core.delivery, { id: ctx.state.requestId, idempotency_key: idempotencyKey });
    try {
      await next();
    } finally {
      ctx.state.operation.finish();
    }
  };
}
