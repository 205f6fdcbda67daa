import Koa from 'koa';
import type { SandboxCore } from './core';
import { SandboxFaults } from './faults';
import type { RequestState } from './http-state';
import { idempotency } from './idempotency';
import { operationScope, parseParams, requireTestKey, sandboxHeaders, stripeErrors } from './middleware';
import { chargeAndRefundRoutes } from './routes/charges-refunds';
import { customerRoutes } from './routes/customers';
import { disputeRoutes } from './routes/disputes';
import { eventRoutes } from './routes/events';
import { paymentIntentRoutes } from './routes/payment-intents';
import { paymentMethodRoutes } from './routes/payment-methods';
import { sandboxControlRoutes } from './routes/sandbox-controls';
import { setupIntentRoutes } from './routes/setup-intents';
import { threeDSecureRoutes } from './routes/three-d-secure';

type Middleware = Koa.Middleware<RequestState>;

/** Runs `middleware` only for the Stripe REST API (/v1/...), not the sandbox's own pages. */
function apiOnly(middleware: Middleware): Middleware {
  return (ctx, next) => (ctx.path.startsWith('/v1/') ? middleware(ctx, next) : next());
}

/** Stripe's answer for a path it doesn't serve. */
const unknownApiRoute: Middleware = async (ctx, next) => {
  await next();
  if (ctx.status === 404 && ctx.body === undefined && ctx.path.startsWith('/v1/')) {
    ctx.status = 404;
    ctx.body = {
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${ctx.method}: ${ctx.path}). The Durapay Stripe sandbox only emulates the endpoints Durapay uses.`,
      },
    };
  }
};

export function buildApp(core: SandboxCore): Koa<RequestState> {
  const app = new Koa<RequestState>();
  const faults = new SandboxFaults();
  app.use(sandboxHeaders(core));
  app.use(faults.logRequests());
  app.use(stripeErrors(core));
  app.use(parseParams());
  app.use(faults.inject());
  app.use(apiOnly(requireTestKey()));
  app.use(apiOnly(idempotency(core)));
  // Inside idempotency, so error answers (declines included) are stored and replayed too.
  app.use(stripeErrors(core));
  app.use(operationScope(core));
  app.use(unknownApiRoute);
  const routers = [paymentIntentRoutes, chargeAndRefundRoutes, customerRoutes, paymentMethodRoutes, setupIntentRoutes, eventRoutes, threeDSecureRoutes, sandboxControlRoutes, disputeRoutes];
  for (const router of routers) {
    const routes = router(core);
    app.use(routes.routes());
    app.use(routes.allowedMethods());
  }
  const faultRoutes = faults.routes((line) => core.log(line));
  app.use(faultRoutes.routes());
  app.use(faultRoutes.allowedMethods());
  return app;
}
