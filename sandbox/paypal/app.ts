import Koa from 'koa';
import type { PayPalSandboxCore } from './core';
import { resourceNotFound } from './errors';
import type { RequestState } from './http-state';
import { paypalRequestId } from './idempotency';
import { parseBody, paypalErrors, requireAccessToken, sandboxHeaders } from './middleware';
import { checkoutRoutes } from './routes/checkout';
import { oauthRoutes } from './routes/oauth';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { sandboxControlRoutes } from './routes/sandbox-controls';

/** PayPal's answer for an API path the sandbox doesn't serve. */
const unknownApiRoute: Koa.Middleware<RequestState> = async (ctx, next) => {
  await next();
  if (ctx.status === 404 && ctx.body === undefined && /^\/v[12]\//.test(ctx.path)) {
    const error = resourceNotFound('path', ctx.path);
    ctx.status = 404;
    ctx.body = { ...error.body, message: `The Durapay PayPal sandbox does not emulate ${ctx.method} ${ctx.path}.` };
  }
};

export function buildApp(core: PayPalSandboxCore): Koa<RequestState> {
  const app = new Koa<RequestState>();
  app.use(sandboxHeaders(core));
  app.use(paypalErrors(core));
  app.use(parseBody());
  app.use(requireAccessToken(core));
  app.use(paypalRequestId(core));
  // Inside the PayPal-Request-Id scope, so error answers (declines included) are kept and replayed too.
  app.use(paypalErrors(core));
  app.use(unknownApiRoute);
  for (const router of [oauthRoutes, orderRoutes, paymentRoutes, checkoutRoutes, sandboxControlRoutes]) {
    const routes = router(core);
    app.use(routes.routes());
    app.use(routes.allowedMethods());
  }
  return app;
}
