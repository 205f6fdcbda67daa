import { createHash } from 'node:crypto';
import type Koa from 'koa';
import type { SandboxCore } from './core';
import { StripeApiError } from './errors';
import type { RequestState } from './http-state';
import { nowSeconds } from './ids';

/** Stable JSON: same params in any key order give the same fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Idempotency-Key on POSTs: the first answer (success or 4xx) is stored per API key and replayed
 * for the same params; other params with the same key are refused, as Stripe does.
 */
export function idempotency(core: SandboxCore): Koa.Middleware<RequestState> {
  const inProgress = new Set<string>();
  return async (ctx, next) => {
    const key = ctx.get('Idempotency-Key');
    if (ctx.method !== 'POST' || !key) return next();
    const scope = `${ctx.state.apiKey}\n${key}`;
    // Hashed: params can carry an IBAN, and the state file must never hold one.
    const fingerprint = createHash('sha256').update(`${ctx.method} ${ctx.path} ${canonical(ctx.state.params)}`).digest('hex');
    const stored = core.store.idempotency.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new StripeApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      ctx.status = stored.status;
      ctx.body = structuredClone(stored.body);
      ctx.set('Idempotent-Replayed', 'true');
      ctx.set('Original-Request', stored.requestId);
      return;
    }
    if (inProgress.has(scope)) {
      throw new StripeApiError(409, {
        type: 'invalid_request_error',
        code: 'idempotency_key_in_use',
        message: `There is currently another in-progress request using this Idempotency-Key (${key}). Please try again later.`,
      });
    }
    inProgress.add(scope);
    try {
      await next();
      if (ctx.status < 500) {
        core.store.idempotency.set(scope, {
          scope,
          fingerprint,
          status: ctx.status,
          body: structuredClone(ctx.body),
          requestId: ctx.state.requestId,
          createdAt: nowSeconds(),
        });
        core.store.changed();
      }
    } finally {
      inProgress.delete(scope);
    }
  };
}
