import type Koa from 'koa';

type Log = (line: string) => void;

/** Labels every answer as coming from the sandbox (plus the provider's own headers) and logs one line per request. */
export function sandboxHeaders<State>(sandbox: 'stripe' | 'paypal', log: Log, label: (ctx: Koa.ParameterizedContext<State>) => void): Koa.Middleware<State> {
  return async (ctx, next) => {
    ctx.set('Durapay-Sandbox', sandbox);
    label(ctx);
    try {
      await next();
    } finally {
      log(`${ctx.method} ${ctx.path} -> ${ctx.status}`);
    }
  };
}

/** How a provider words its error answers. */
export interface ErrorEnvelope {
  /** The provider's own thrown errors as status and body; null for anything else. */
  apiError: (error: unknown) => { status: number; body: unknown } | null;
  /** Body for a 4xx http-error from reading the request (413 too large, 400 aborted). */
  clientError: (message: string) => unknown;
  internalError: () => unknown;
}

/** Renders errors in the provider's shape; anything unexpected is a sandbox bug (500), logged with its stack. */
export function errorAnswers<State>(log: Log, envelope: ErrorEnvelope): Koa.Middleware<State> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = envelope.apiError(error);
      if (known) {
        ctx.status = known.status;
        ctx.body = known.body;
        return;
      }
      // http-errors from raw-body are the caller's fault, not ours.
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = envelope.clientError((error as Error).message);
        return;
      }
      log(`internal error on ${ctx.method} ${ctx.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      ctx.status = 500;
      ctx.body = envelope.internalError();
    }
  };
}
