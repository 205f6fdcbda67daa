import type Koa from 'koa';
import type { PayPalSandboxCore } from './core';
import { unprocessable } from './errors';
import type { RequestState } from './http-state';

/** Stable JSON: the same body in any key order gives the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * PayPal-Request-Id on API POSTs: the first answer (success or 4xx) is kept per path and replayed,
 * so a retried create or capture or refund never happens twice. Another body with the same id is refused.
 */
export function paypalRequestId(core: PayPalSandboxCore): Koa.Middleware<RequestState> {
  return async (ctx, next) => {
    const requestId = ctx.get('PayPal-Request-Id');
    if (ctx.method !== 'POST' || !requestId || !ctx.path.startsWith('/v2/')) return next();
    const scope = `${ctx.path}\n${requestId}`;
    const fingerprint = canonical(ctx.state.body ?? null);
    const stored = core.store.idempotency.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw unprocessable({ issue: 'DUPLICATE_REQUEST_ID', description: 'The value of PayPal-Request-Id header has already been used with another request body.' });
      }
      ctx.status = stored.status;
      ctx.body = structuredClone(stored.body);
      ctx.set('Durapay-Sandbox-Replayed', 'true');
      return;
    }
    await next();
    if (ctx.status < 500) {
      core.store.idempotency.set(scope, { scope, fingerprint, status: ctx.status, body: structuredClone(ctx.body), createdAt: Math.floor(Date.now() / 1000) });
      core.store.changed();
    }
  };
}
