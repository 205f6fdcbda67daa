import { ApiError } from './errors';

/** What the request answers when its deadline passes: a `…_in_progress` code, and where to read the outcome. */
export interface InProgress {
  code: `${string}_in_progress`;
  readHint?: string;
}

/**
 * Every wait on a workflow ends: after `ms` the request answers 503 with the given code in the usual error shape,
 * while the workflow carries on (a retry with the same Idempotency-Key finds it). Timing out is not failing.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, inProgress: InProgress): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hint = inProgress.readHint ? `, or ${inProgress.readHint}` : '';
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError(503, 'api_error', inProgress.code, `This is still being processed. Retry with the same Idempotency-Key${hint}.`)), ms);
  });
  // The losing promise's rejection is handled here, so a late failure never becomes an unhandled rejection.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
