import Router from '@koa/router';
import type { SandboxCore } from '../core';
import type { RequestState } from '../http-state';
import { paginate } from '../list';
import { optionalString, rejectUnknownParams } from '../params';
import { attachPaymentMethod, createPaymentMethod, detachPaymentMethod, getPaymentMethod } from '../payment-methods';
import { render, renderList } from '../render';

export function paymentMethodRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/v1/payment_methods', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createPaymentMethod(core, operation, params), params);
  });

  router.get('/v1/payment_methods', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, ['limit', 'starting_after', 'ending_before', 'customer', 'type']);
    const customer = optionalString(params, 'customer');
    const type = optionalString(params, 'type');
    const list = paginate(core.store.paymentMethods.values(), params, '/v1/payment_methods', 'payment_method', (pm) =>
      (!customer || pm.customer === customer) && (!type || pm.type === type),
    );
    ctx.body = renderList(core, list, params);
  });

  router.get('/v1/payment_methods/:id', (ctx) => {
    ctx.body = render(core, getPaymentMethod(core, ctx.params.id), ctx.state.params);
  });

  router.post('/v1/payment_methods/:id/attach', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, attachPaymentMethod(core, operation, ctx.params.id, params), params);
  });

  router.post('/v1/payment_methods/:id/detach', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, detachPaymentMethod(core, operation, ctx.params.id, params), params);
  });

  return router;
}
