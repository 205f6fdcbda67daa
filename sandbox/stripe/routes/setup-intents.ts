import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { escapeHtml, page } from '../html';
import type { RequestState } from '../http-state';
import { getMandate } from '../mandates';
import { render } from '../render';
import { createSetupIntent, getSetupIntent } from '../setup-intents';

/** SetupIntents save SEPA accounts; the mandates they create can be read back, and viewed as a page. */
export function setupIntentRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.post('/v1/setup_intents', (ctx) => {
    const { params, operation } = ctx.state;
    ctx.body = render(core, createSetupIntent(core, operation, params), params);
  });

  router.get('/v1/setup_intents/:id', (ctx) => {
    ctx.body = render(core, getSetupIntent(core, ctx.params.id), ctx.state.params);
  });

  router.get('/v1/mandates/:id', (ctx) => {
    ctx.body = render(core, getMandate(core, ctx.params.id), ctx.state.params);
  });

  // What Stripe's hosted mandate page shows, minus the account number the sandbox never keeps.
  router.get('/_sandbox/mandates/:id', (ctx) => {
    const mandate = core.store.mandates.get(ctx.params.id);
    ctx.type = 'html';
    if (!mandate) {
      ctx.status = 404;
      ctx.body = page('Mandate not found', `<p>No mandate ${escapeHtml(ctx.params.id)} in this sandbox.</p>`);
      return;
    }
    const accepted = new Date(mandate.customer_acceptance.accepted_at * 1000).toISOString();
    ctx.body = page(
      'SEPA Direct Debit mandate',
      `<p>Reference <code>${escapeHtml(mandate.payment_method_details.sepa_debit.reference)}</code> for ${escapeHtml(mandate.payment_method)}:
<code>${escapeHtml(mandate.type)}</code>, <code>${escapeHtml(mandate.status)}</code>, accepted ${escapeHtml(mandate.customer_acceptance.type)} at ${escapeHtml(accepted)}.</p>`,
    );
  });

  return router;
}
