import { createHash } from 'node:crypto';
import type Koa from 'koa';
import { canonicalJson, replayFirstAnswer } from '../shared/idempotency';
import type { SandboxCore } from './core';
import { StripeApiError } from './errors';
import type { RequestState } from './http-state';
import type { IdempotencyRecord } from './types';

/**
 * Idempotency-Key on POSTs: the first answer (success or 4xx) is stored per API key and replayed
 * for the same params; other params with the same key are refused, as Stripe does.
 */
export function idempotency(core: SandboxCore): Koa.Middleware<RequestState> {
  return replayFirstAnswer<RequestState, IdempotencyRecord>({
    answers: core.store.idempotency,
    changed: () => core.store.changed(),
    identify(ctx) {
      const key = ctx.get('Idempotency-Key');
      if (ctx.method !== 'POST' || !key) return null;
      // Hashed: params can carry an IBAN, and the state file must never hold one.
      const fingerprint = createHash('sha256').update(`${ctx.method} ${ctx.path} ${canonicalJson(ctx.state.params)}`).digest('hex');
      return { key, scope: `${ctx.state.apiKey}\n${key}`, fingerprint };
    },
    mismatch: (key) =>
      new StripeApiError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      }),
    inUse: (key) =>
      new StripeApiError(409, {
        type: 'invalid_request_error',
        code: 'idempotency_key_in_use',
        message: `There is currently another in-progress request using this Idempotency-Key (${key}). Please try again later.`,
      }),
    markReplay(ctx, stored) {
      ctx.set('Idempotent-Replayed', 'true');
      ctx.set('Original-Request', stored.requestId);
    },
    extraFields: (ctx) => ({ requestId: ctx.state.requestId }),
  });
}
