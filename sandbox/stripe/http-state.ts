import type { Operation } from './events';
import type { Params } from './params';

/** Per-request values the sandbox middlewares put on ctx.state. */
export interface RequestState {
  requestId: string;
  /** The secret key the caller authenticated with (scopes idempotency keys). */
  apiKey: string;
  params: Params;
  operation: Operation;
}
