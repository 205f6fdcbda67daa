import Router from '@koa/router';
import type { SandboxCore } from '../core';
import type { RequestState } from '../http-state';
import { paginate } from '../list';
import { optionalString, rejectUnknownParams } from '../params';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  getPaymentIntent,
  updatePaymentIntent,
} from '../payment-intents';
import { render, renderList } from '../render';

const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'customer'];

export function paymentIntentRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/v1/payment_intents', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createPaymentIntent(core, operation, params), params);
  });

  router.get('/v1/payment_intents', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, LIST_PARAMS);
    const customer = optionalString(params, 'customer');
    const list = paginate(core.store.paymentIntents.values(), params, '/v1/payment_intents', 'payment_intent', (pi) => !customer || pi.customer === customer);
    ctx.body = renderList(core, list, params);
  });

  router.get('/v1/payment_intents/:id', (ctx) => {
    ctx.body = render(core, getPaymentIntent(core, ctx.params.id), ctx.state.params);
  });

  router.post('/v1/payment_intents/:id', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, updatePaymentIntent(core, operation, getPaymentIntent(core, ctx.params.id), params), params);
  });

  const actions = { confirm: confirmPaymentIntent, capture: capturePaymentIntent, cancel: cancelPaymentIntent } as const;
  for (const [action, run] of Object.entries(actions)) {
    router.post(`/v1/payment_intents/:id/${action}`, (ctx) => {
      const { params, operation } = ctx.state;
      ctx.body = render(core, run(core, operation, getPaymentIntent(core, ctx.params.id), params), params);
    });
  }

  return router;
}
