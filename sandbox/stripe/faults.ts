import Router from '@koa/router';
import type Koa from 'koa';
import type { RequestState } from './http-state';

type Middleware = Koa.Middleware<RequestState>;

/** One API request as the sandbox answered it, for tests that prove what a client did (or did not) read again. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The list cursor, when the request had one. */
  starting_after: string | null;
  list: boolean;
  status: number;
  at: number;
}

interface RateLimitFault {
  remaining: number;
  retryAfterSeconds: number;
  listOnly: boolean;
}

interface ListFailureFault {
  /** List requests still allowed through before the failures start. */
  pagesBefore: number;
  remaining: number;
  status: number;
}

const LOG_SIZE = 2000;

/** GET /v1/payment_intents, /v1/refunds…: a list endpoint (no object id in the path). */
const isListRequest = (ctx: Koa.ParameterizedContext<RequestState>) => ctx.method === 'GET' && /^\/v1\/[a-z_]+$/.test(ctx.path);

/**
 * Faults a test switches on over /_sandbox/faults: answer the next requests with 429 and a Retry-After, or let K list
 * pages through and then fail list requests. Plus a log of recent API requests (/_sandbox/requests). Memory only.
 */
export class SandboxFaults {
  private rateLimit: RateLimitFault | null = null;
  private listFailure: ListFailureFault | null = null;
  private readonly requests: LoggedRequest[] = [];

  settings() {
    return {
      rate_limit: this.rateLimit ? { count: this.rateLimit.remaining, retry_after: this.rateLimit.retryAfterSeconds, list_only: this.rateLimit.listOnly } : null,
      fail_list: this.listFailure ? { after_pages: this.listFailure.pagesBefore, count: this.listFailure.remaining, status: this.listFailure.status } : null,
    };
  }

  /** Validates and applies a patch; returns an error message for a bad one. */
  update(patch: Record<string, unknown>): string | null {
    const integer = (value: unknown, name: string, min: number): number => {
      const number = typeof value === 'string' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number) || number < min) throw new Error(`${name} must be an integer >= ${min}`);
      return number;
    };
    try {
      const unknown = Object.keys(patch).filter((key) => key !== 'rate_limit' && key !== 'fail_list');
      if (unknown.length) return `unknown fault: ${unknown.join(', ')} (known: rate_limit, fail_list)`;
      if (patch.rate_limit !== undefined) {
        const spec = (patch.rate_limit ?? {}) as Record<string, unknown>;
        this.rateLimit = patch.rate_limit === null ? null : {
          remaining: integer(spec.count ?? 1, 'rate_limit.count', 0),
          retryAfterSeconds: integer(spec.retry_after ?? 1, 'rate_limit.retry_after', 0),
          listOnly: spec.list_only === undefined ? true : spec.list_only === true || spec.list_only === 'true',
        };
      }
      if (patch.fail_list !== undefined) {
        const spec = (patch.fail_list ?? {}) as Record<string, unknown>;
        this.listFailure = patch.fail_list === null ? null : {
          pagesBefore: integer(spec.after_pages ?? 0, 'fail_list.after_pages', 0),
          remaining: integer(spec.count ?? 1, 'fail_list.count', 0),
          status: integer(spec.status ?? 500, 'fail_list.status', 400),
        };
      }
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  reset(): void {
    this.rateLimit = null;
    this.listFailure = null;
  }

  loggedRequests(): LoggedRequest[] {
    return [...this.requests];
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  /** Outermost: logs every API request with the status it finally got. */
  logRequests(): Middleware {
    return async (ctx, next) => {
      try {
        await next();
      } finally {
        if (ctx.path.startsWith('/v1/')) {
          const cursor = ctx.state.params?.starting_after;
          this.requests.push({
            method: ctx.method, path: ctx.path, starting_after: typeof cursor === 'string' ? cursor : null,
            list: isListRequest(ctx), status: ctx.status, at: Date.now(),
          });
          if (this.requests.length > LOG_SIZE) this.requests.splice(0, this.requests.length - LOG_SIZE);
        }
      }
    };
  }

  /** Before authentication and idempotency, like Stripe's own rate limiter: nothing is stored for a refused request. */
  inject(): Middleware {
    return async (ctx, next) => {
      if (!ctx.path.startsWith('/v1/')) return next();
      const list = isListRequest(ctx);
      const limit = this.rateLimit;
      if (limit && limit.remaining > 0 && (list || !limit.listOnly)) {
        limit.remaining -= 1;
        ctx.status = 429;
        ctx.set('Retry-After', String(limit.retryAfterSeconds));
        ctx.body = { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly (sandbox rate_limit fault).' } };
        return;
      }
      const failure = this.listFailure;
      if (list && failure && failure.remaining > 0) {
        if (failure.pagesBefore > 0) {
          failure.pagesBefore -= 1;
        } else {
          failure.remaining -= 1;
          ctx.status = failure.status;
          // Tells the Stripe SDK not to retry by itself: the caller sees the failure.
          ctx.set('Stripe-Should-Retry', 'false');
          ctx.body = { error: { type: 'api_error', message: 'The sandbox failed this list request on purpose (fail_list fault).' } };
          return;
        }
      }
      await next();
    };
  }

  /** GET|POST|DELETE /_sandbox/faults and GET|DELETE /_sandbox/requests. */
  routes(log: (line: string) => void): Router<RequestState> {
    const router = new Router<RequestState>();
    router.get('/_sandbox/faults', (ctx) => {
      ctx.body = this.settings();
    });
    router.post('/_sandbox/faults', (ctx) => {
      const problem = this.update((ctx.state.params ?? {}) as Record<string, unknown>);
      if (problem) {
        ctx.status = 400;
        ctx.body = { error: problem };
        return;
      }
      log(`faults now ${JSON.stringify(this.settings())}`);
      ctx.body = this.settings();
    });
    router.delete('/_sandbox/faults', (ctx) => {
      this.reset();
      ctx.body = this.settings();
    });
    router.get('/_sandbox/requests', (ctx) => {
      const listOnly = ctx.query.list === 'true';
      ctx.body = { object: 'list', data: this.loggedRequests().filter((request) => !listOnly || request.list) };
    });
    router.delete('/_sandbox/requests', (ctx) => {
      this.clearLog();
      ctx.body = { object: 'list', data: [] };
    });
    return router;
  }
}
