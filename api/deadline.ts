import { ApiError } from './errors';

/**
 * Every wait on a workflow ends: after `ms` the request answers 503 `<what>_in_progress` in the usual error shape,
 * while the workflow carries on (a retry with the same Idempotency-Key finds it). Timing out is not failing.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string, readHint: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError(503, 'api_error', `${what}_in_progress`, `This is still being processed. Retry with the same Idempotency-Key${readHint ? `, or ${readHint}` : ''}.`)),
      ms,
    );
  });
  // The losing promise's rejection is handled here, so a late failure never becomes an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
