import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { createCustomer, deleteCustomer, getCustomer } from '../customers';
import type { RequestState } from '../http-state';
import { render } from '../render';

export function customerRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/v1/customers', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createCustomer(core, operation, params), params);
  });

  router.get('/v1/customers/:id', (ctx) => {
    const { id } = ctx.params;
    ctx.body = core.store.deletedCustomers.has(id) ? { id, object: 'customer', deleted: true } : render(core, getCustomer(core, id), ctx.state.params);
  });

  router.delete('/v1/customers/:id', (ctx) => {
    ctx.body = deleteCustomer(core, ctx.state.operation, ctx.params.id);
  });

  return router;
}
