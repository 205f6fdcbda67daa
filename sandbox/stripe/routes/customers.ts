import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { createCustomer, getCustomer } from '../customers';
import type { RequestState } from '../http-state';
import { render } from '../render';

export function customerRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/v1/customers', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createCustomer(core, operation, params), params);
  });

  router.get('/v1/customers/:id', (ctx) => {
    ctx.body = render(core, getCustomer(core, ctx.params.id), ctx.state.params);
  });

  return router;
}
