import type { Context, Next } from 'koa';
import { httpRequestDuration, metricsRegistry, webhookAckDuration } from '../../platform/metrics';

/** Times every answer by its route pattern (`/v1/payments/:id`); webhooks also get their own acknowledgement histogram. */
export async function httpMetrics(ctx: Context, next: Next): Promise<void> {
  const stopTimer = process.hrtime.bigint();
  try {
    await next();
  } finally {
    const seconds = Number(process.hrtime.bigint() - stopTimer) / 1e9;
    const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
    const status = String(ctx.status);
    httpRequestDuration.observe({ method: ctx.method, route: String(route), status }, seconds);
    if (typeof route === 'string' && route.startsWith('/webhooks/')) {
      webhookAckDuration.observe({ provider: route.slice('/webhooks/'.length), status }, seconds);
    }
  }
}

/** GET /metrics in Prometheus' text format; counts and timings only, never an id or an amount. */
export async function serveMetrics(ctx: Context, next: Next): Promise<void> {
  if (ctx.method !== 'GET' || ctx.path !== '/metrics') return next();
  (ctx as Context & { _matchedRoute?: string })._matchedRoute = '/metrics';
  ctx.type = metricsRegistry.contentType;
  ctx.body = await metricsRegistry.metrics();
}
