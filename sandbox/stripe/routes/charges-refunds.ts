import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { resourceMissing } from '../errors';
import type { RequestState } from '../http-state';
import { paginate } from '../list';
import { optionalString, rejectUnknownParams } from '../params';
import { createRefund, getRefund } from '../refunds';
import { render, renderList } from '../render';

const PAGE_PARAMS = ['limit', 'starting_after', 'ending_before', 'created'];

export function chargeAndRefundRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  const { store } = core;

  router.get('/v1/charges', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, [...PAGE_PARAMS, 'payment_intent', 'customer']);
    const paymentIntent = optionalString(params, 'payment_intent');
    const customer = optionalString(params, 'customer');
    const list = paginate(store.charges.values(), params, '/v1/charges', 'charge', (charge) =>
      (!paymentIntent || charge.payment_intent === paymentIntent) && (!customer || charge.customer === customer),
    );
    ctx.body = renderList(core, list, params);
  });

  router.get('/v1/charges/:id', (ctx) => {
    const charge = store.charges.get(ctx.params.id);
    if (!charge) throw resourceMissing('charge', ctx.params.id);
    ctx.body = render(core, charge, ctx.state.params);
  });

  router.post('/v1/refunds', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createRefund(core, operation, params), params);
  });

  router.get('/v1/refunds', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, [...PAGE_PARAMS, 'payment_intent', 'charge']);
    const paymentIntent = optionalString(params, 'payment_intent');
    const charge = optionalString(params, 'charge');
    const list = paginate(store.refunds.values(), params, '/v1/refunds', 'refund', (refund) =>
      (!paymentIntent || refund.payment_intent === paymentIntent) && (!charge || refund.charge === charge),
    );
    ctx.body = renderList(core, list, params);
  });

  router.get('/v1/refunds/:id', (ctx) => {
    ctx.body = render(core, getRefund(core, ctx.params.id), ctx.state.params);
  });

  return router;
}
