import Router from '@koa/router';
import type { SandboxCore } from '../core';
import type { RequestState } from '../http-state';
import { escapeHtml, formatAmount, page } from '../html';
import { completeAuthentication } from '../payment-flow';

/**
 * The page next_action points at: the "bank" asks the customer to approve or fail the payment.
 * No API key is needed, like Stripe's hosted 3DS pages.
 */
export function threeDSecureRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/_sandbox/3ds/:id', (ctx) => {
    const pi = core.store.paymentIntents.get(ctx.params.id);
    ctx.type = 'html';
    if (!pi) {
      ctx.status = 404;
      ctx.body = page('Payment not found', `<p>No PaymentIntent ${escapeHtml(ctx.params.id)} in this sandbox.</p>`);
      return;
    }
    const amount = `<p>Amount: <strong>${escapeHtml(formatAmount(pi.amount, pi.currency))}</strong> (${escapeHtml(pi.id)})</p>`;
    if (pi.status !== 'requires_action') {
      ctx.body = page('Nothing to authenticate', `${amount}<p>This payment is <code>${escapeHtml(pi.status)}</code>, not awaiting authentication.</p>`);
      return;
    }
    const action = `/_sandbox/3ds/${encodeURIComponent(pi.id)}`;
    const form = (outcome: string, label: string) =>
      `<form method="post" action="${action}"><input type="hidden" name="outcome" value="${outcome}"><button type="submit">${label}</button></form>`;
    ctx.body = page(
      '3-D Secure test authentication',
      `${amount}<p>Your bank would now ask you to confirm this payment.</p>${form('approve', 'Complete authentication')}${form('fail', 'Fail authentication')}`,
    );
  });

  router.post('/_sandbox/3ds/:id', (ctx) => {
    const pi = core.store.paymentIntents.get(ctx.params.id);
    const outcome = ctx.state.params.outcome;
    if (!pi) {
      ctx.status = 404;
      ctx.body = `No PaymentIntent ${ctx.params.id} in this sandbox.`;
      return;
    }
    if (outcome !== 'approve' && outcome !== 'fail') {
      ctx.status = 400;
      ctx.body = "outcome must be 'approve' or 'fail'.";
      return;
    }
    if (pi.status !== 'requires_action') {
      ctx.status = 409;
      ctx.body = `PaymentIntent ${pi.id} is ${pi.status}, not awaiting authentication.`;
      return;
    }
    completeAuthentication(core, ctx.state.operation, pi, outcome === 'approve');
    const redirectStatus = outcome === 'approve' ? 'succeeded' : 'failed';
    core.log(`3-D Secure ${outcome} for ${pi.id} -> ${pi.status}`);
    if (pi.return_url) {
      const target = new URL(pi.return_url);
      target.searchParams.set('payment_intent', pi.id);
      target.searchParams.set('payment_intent_client_secret', pi.client_secret);
      target.searchParams.set('redirect_status', redirectStatus);
      ctx.redirect(target.toString());
      ctx.status = 303;
      return;
    }
    ctx.type = 'html';
    ctx.body = page(
      outcome === 'approve' ? 'Authentication complete' : 'Authentication failed',
      `<p>Payment ${escapeHtml(pi.id)} is now <code>${escapeHtml(pi.status)}</code> (redirect_status=${redirectStatus}). You can close this page.</p>`,
    );
  });

  return router;
}
