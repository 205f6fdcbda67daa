import Router from '@koa/router';
import type { PayPalSandboxCore } from '../core';
import { escapeHtml, page } from '../html';
import type { RequestState } from '../http-state';
import { approveOrder, awaitsPayer } from '../orders';
import type { PayerOutcome } from '../types';

const OUTCOMES: Record<PayerOutcome | 'cancel', [string, string]> = {
  approve: ['Pay with PayPal', 'The payment goes through when the merchant captures it.'],
  decline: ['Pay, but the funding source is declined', 'The capture fails with INSTRUMENT_DECLINED.'],
  deny: ['Pay, but PayPal denies the capture', 'The capture comes back DECLINED (PAYMENT.CAPTURE.DENIED).'],
  cancel: ['Cancel and return to the merchant', 'Nothing is paid; the order lapses.'],
};

/**
 * The page an order's payer-action link opens: the payer approves (with a chosen outcome) or cancels.
 * No token is needed, like PayPal's own checkout pages.
 */
export function checkoutRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/_sandbox/checkout/:id', (ctx) => {
    const order = core.store.orders.get(ctx.params.id);
    ctx.type = 'html';
    if (!order) {
      ctx.status = 404;
      ctx.body = page('Order not found', `<p>No order ${escapeHtml(ctx.params.id)} in this sandbox.</p>`);
      return;
    }
    const { amount } = order.purchase_unit;
    const summary = `<p>${escapeHtml(order.brand_name ?? 'The merchant')} asks for <strong>${escapeHtml(`${amount.value} ${amount.currency_code}`)}</strong> (order ${escapeHtml(order.id)}).</p>`;
    if (!awaitsPayer(order)) {
      ctx.body = page('Nothing to approve', `${summary}<p>This order is <code>${escapeHtml(order.status)}</code>.</p>`);
      return;
    }
    const action = `/_sandbox/checkout/${encodeURIComponent(order.id)}`;
    const forms = Object.entries(OUTCOMES)
      .map(
        ([outcome, [label, hint]]) =>
          `<form method="post" action="${action}"><input type="hidden" name="outcome" value="${outcome}"><button type="submit">${escapeHtml(label)}</button><br><small>${escapeHtml(hint)}</small></form>`,
      )
      .join('\n');
    ctx.body = page('Sandbox PayPal checkout', `${summary}<p>Choose what the payer does:</p>${forms}`);
  });

  router.post('/_sandbox/checkout/:id', (ctx) => {
    const order = core.store.orders.get(ctx.params.id);
    const outcome = (ctx.state.body as Record<string, unknown> | undefined)?.outcome;
    if (!order) {
      ctx.status = 404;
      ctx.body = `No order ${ctx.params.id} in this sandbox.`;
      return;
    }
    if (typeof outcome !== 'string' || !(outcome in OUTCOMES)) {
      ctx.status = 400;
      ctx.body = "outcome must be 'approve', 'decline', 'deny' or 'cancel'.";
      return;
    }
    if (!awaitsPayer(order)) {
      ctx.status = 409;
      ctx.body = `Order ${order.id} is ${order.status}; there is nothing left for the payer to do.`;
      return;
    }
    if (outcome !== 'cancel') approveOrder(core, order, outcome as PayerOutcome);
    core.log(`checkout ${outcome} for order ${order.id} -> ${order.status}`);
    const target = outcome === 'cancel' ? order.cancel_url : order.return_url;
    if (target) {
      const url = new URL(target);
      url.searchParams.set('token', order.id);
      if (outcome !== 'cancel' && order.payer) url.searchParams.set('PayerID', order.payer.payer_id);
      ctx.status = 303; // set first: Koa keeps a redirect status it finds, else uses 302
      ctx.redirect(url.toString());
      return;
    }
    ctx.type = 'html';
    ctx.body = page(outcome === 'cancel' ? 'Checkout canceled' : 'Payment approved', `<p>Order ${escapeHtml(order.id)} is now <code>${escapeHtml(order.status)}</code>. You can close this page.</p>`);
  });

  return router;
}
