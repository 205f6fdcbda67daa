import Router from '@koa/router';
import type { PayPalSandboxCore } from '../core';
import { resourceNotFound } from '../errors';
import type { RequestState } from '../http-state';
import { parseOrderRequest } from '../order-request';
import { captureOrder, createOrder } from '../orders';
import { fullOrder, minimalOrder } from '../render';
import type { OrderRecord } from '../types';

/** `Prefer: return=representation` asks for the whole order; PayPal's default is the minimal one. */
function wantsRepresentation(prefer: string): boolean {
  return /return=representation/i.test(prefer);
}

export function orderRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  const findOrder = (id: string): OrderRecord => {
    const order = core.store.orders.get(id);
    if (!order) throw resourceNotFound('order_id', id);
    return order;
  };
  const answer = (order: OrderRecord, prefer: string) => (wantsRepresentation(prefer) ? fullOrder(core, order) : minimalOrder(core, order));

  router.post('/v2/checkout/orders', (ctx) => {
    const order = createOrder(core, parseOrderRequest(ctx.state.body));
    ctx.status = 201;
    ctx.body = answer(order, ctx.get('Prefer'));
  });

  router.get('/v2/checkout/orders/:id', (ctx) => {
    ctx.body = fullOrder(core, findOrder(ctx.params.id));
  });

  router.post('/v2/checkout/orders/:id/capture', (ctx) => {
    const order = captureOrder(core, findOrder(ctx.params.id));
    ctx.status = 201;
    ctx.body = answer(order, ctx.get('Prefer'));
  });

  return router;
}
