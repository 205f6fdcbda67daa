import type { Context, Middleware, Next } from 'koa';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '../../platform/database';
import type { RateLimitSettings } from '../../platform/edge-config';
import type { Logger } from '../../platform/logger';
import { ApiError } from '../errors';

/** Which budget a route spends: creating payments is stricter than other writes, reads are the loosest. */
export type RouteGroup = 'read' | 'write' | 'payment_creation' | 'webhook';

export interface RateLimits {
  /** Before authentication: every request from one client address (webhooks have their own, larger budget). */
  perIp(group: RouteGroup): Middleware;
  /** After authentication: the API key's budget for this group of routes. */
  perKey(group: RouteGroup): Middleware;
}

const pass: Middleware = (_ctx, next) => next();

/**
 * Counters live in PostgreSQL (table rate_limits) so every API process behind a load balancer shares them. If
 * PostgreSQL can't answer, an in-memory limiter with the same budget stands in (rate-limiter-flexible's insurance).
 */
export function createRateLimits(db: Database, settings: RateLimitSettings, log: Logger): RateLimits {
  const limiter = (prefix: string, points: number): RateLimiterAbstract | null =>
    points > 0
      ? new RateLimiterPostgres({
        storeClient: db, storeType: 'knex', tableName: 'rate_limits', tableCreated: true, keyPrefix: prefix,
        points, duration: settings.windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: prefix, points, duration: settings.windowSeconds }),
      })
      : null;
  const byKey: Record<RouteGroup, RateLimiterAbstract | null> = {
    read: limiter('key_read', settings.readsPerKey),
    write: limiter('key_write', settings.writesPerKey),
    payment_creation: limiter('key_pay', settings.paymentCreationPerKey),
    webhook: null,
  };
  const apiIp = limiter('ip', settings.perIp);
  const webhookIp = limiter('ip_webhook', settings.webhooksPerIp);

  const consume = (rateLimiter: RateLimiterAbstract | null, identify: (ctx: Context) => string | undefined): Middleware => {
    if (!rateLimiter) return pass;
    return async (ctx: Context, next: Next) => {
      const who = identify(ctx);
      if (who !== undefined) {
        try {
          await rateLimiter.consume(who);
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) {
            log.warn({ err: rejection }, 'rate limiter unavailable; request let through');
          } else {
            ctx.set('Retry-After', String(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))));
            throw new ApiError(429, 'invalid_request_error', 'rate_limit_exceeded',
              'Too many requests: slow down and retry after the number of seconds in the Retry-After header.');
          }
        }
      }
      await next();
    };
  };
  return {
    perIp: (group) => consume(group === 'webhook' ? webhookIp : apiIp, (ctx) => ctx.ip),
    perKey: (group) => consume(byKey[group], (ctx) => ctx.state.principal?.id),
  };
}

/** Every route's group, from its method and path. */
export function routeGroupOf(method: string, path: string): RouteGroup {
  if (path.startsWith('/webhooks/')) return 'webhook';
  if (method === 'get') return 'read';
  if (method === 'post' && path === '/v1/payments') return 'payment_creation';
  return 'write';
}
