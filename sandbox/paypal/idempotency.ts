import type Koa from 'koa';
import { canonicalJson, replayFirstAnswer } from '../shared/idempotency';
import type { PayPalSandboxCore } from './core';
import { unprocessable } from './errors';
import type { RequestState } from './http-state';
import type { IdempotencyRecord } from './types';

/**
 * PayPal-Request-Id on API POSTs: the first answer (success or 4xx) is kept per path and replayed,
 * so a retried create or capture or refund never happens twice. Another body with the same id is refused.
 */
export function paypalRequestId(core: PayPalSandboxCore): Koa.Middleware<RequestState> {
  return replayFirstAnswer<RequestState, IdempotencyRecord>({
    answers: core.store.idempotency,
    changed: () => core.store.changed(),
    identify(ctx) {
      const requestId = ctx.get('PayPal-Request-Id');
      if (ctx.method !== 'POST' || !requestId || !ctx.path.startsWith('/v2/')) return null;
      return { key: requestId, scope: `${ctx.path}\n${requestId}`, fingerprint: canonicalJson(ctx.state.body ?? null) };
    },
    mismatch: () => unprocessable({ issue: 'DUPLICATE_REQUEST_ID', description: 'The value of PayPal-Request-Id header has already been used with another request body.' }),
    markReplay: (ctx) => ctx.set('Durapay-Sandbox-Replayed', 'true'),
    extraFields: () => ({}),
  });
}
