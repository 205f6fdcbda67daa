import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { closeDispute, getDispute } from '../disputes';
import type { RequestState } from '../http-state';
import { paginate } from '../list';
import { optionalString, rejectUnknownParams } from '../params';
import { render, renderList } from '../render';

/** Disputes of pm_card_createDispute payments: read them like Stripe's API; close them with the sandbox control. */
export function disputeRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/v1/disputes', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, ['limit', 'starting_after', 'ending_before', 'created', 'payment_intent', 'charge']);
    const paymentIntent = optionalString(params, 'payment_intent');
    const charge = optionalString(params, 'charge');
    const list = paginate(core.store.disputes.values(), params, '/v1/disputes', 'dispute', (dispute) =>
      (!paymentIntent || dispute.payment_intent === paymentIntent) && (!charge || dispute.charge === charge),
    );
    ctx.body = renderList(core, list, params);
  });

  router.get('/v1/disputes/:id', (ctx) => {
    ctx.body = render(core, getDispute(core, ctx.params.id), ctx.state.params);
  });

  // No API key, like the other /_sandbox controls: the card network's decision, {outcome: "won" | "lost"}.
  router.post('/_sandbox/disputes/:id/close', (ctx) => {
    const dispute = closeDispute(core, ctx.state.operation, ctx.params.id, ctx.state.params.outcome);
    core.log(`dispute ${dispute.id} closed: ${dispute.status}`);
    ctx.body = render(core, dispute, {});
  });

  return router;
}
