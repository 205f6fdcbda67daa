import type { PayPalSandboxCore } from './core';
import type { CaptureRecord, Link, OrderRecord, RefundRecord } from './types';

/** PayPal's JSON for the sandbox's records; every answer is a fresh object, so later changes never leak into it. */

const MERCHANT = { email_address: 'merchant@sandbox.durapay.local', merchant_id: 'DURAPAYSANDBOX1' };

export function checkoutUrl(core: PayPalSandboxCore, orderId: string): string {
  return `${core.baseUrl()}/_sandbox/checkout/${orderId}`;
}

function orderLinks(core: PayPalSandboxCore, order: OrderRecord): Link[] {
  const self = `${core.baseUrl()}/v2/checkout/orders/${order.id}`;
  const links: Link[] = [{ href: self, rel: 'self', method: 'GET' }];
  if (order.status === 'CREATED' || order.status === 'PAYER_ACTION_REQUIRED') {
    links.push({ href: checkoutUrl(core, order.id), rel: 'payer-action', method: 'GET' });
    links.push({ href: checkoutUrl(core, order.id), rel: 'approve', method: 'GET' });
  }
  if (order.status === 'APPROVED') links.push({ href: `${self}/capture`, rel: 'capture', method: 'POST' });
  return links;
}

/** `Prefer: return=minimal` (PayPal's default): just id, status and links. */
export function minimalOrder(core: PayPalSandboxCore, order: OrderRecord): Record<string, unknown> {
  return { id: order.id, status: order.status, links: orderLinks(core, order) };
}

export function fullOrder(core: PayPalSandboxCore, order: OrderRecord): Record<string, unknown> {
  const captures = order.capture_ids.map((id) => core.store.captures.get(id)).filter((c): c is CaptureRecord => !!c);
  const refunds = captures.flatMap((c) => c.refund_ids.map((id) => core.store.refunds.get(id))).filter((r): r is RefundRecord => !!r);
  const payer = order.payer;
  const wallet = payer
    ? { email_address: payer.email_address, account_id: payer.payer_id, account_status: 'VERIFIED', name: payer.name }
    : {};
  return {
    id: order.id,
    intent: order.intent,
    status: order.status,
    ...(order.flow === 'payment_source' || payer ? { payment_source: { paypal: wallet } } : {}),
    purchase_units: [
      {
        ...structuredClone(order.purchase_unit),
        payee: MERCHANT,
        ...(captures.length
          ? { payments: { captures: captures.map((c) => captureJson(core, c, { inOrder: true })), ...(refunds.length ? { refunds: refunds.map((r) => refundJson(core, r)) } : {}) } }
          : {}),
      },
    ],
    ...(payer ? { payer: structuredClone(payer) } : {}),
    create_time: order.create_time,
    update_time: order.update_time,
    links: orderLinks(core, order),
  };
}

/** Inside an order a capture has no supplementary_data (the order is its parent); on its own it names the order there. */
export function captureJson(core: PayPalSandboxCore, capture: CaptureRecord, { inOrder = false } = {}): Record<string, unknown> {
  const self = `${core.baseUrl()}/v2/payments/captures/${capture.id}`;
  const refundable = capture.status === 'COMPLETED' || capture.status === 'PARTIALLY_REFUNDED';
  return {
    id: capture.id,
    status: capture.status,
    amount: { ...capture.amount },
    final_capture: true,
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    ...(capture.custom_id !== undefined ? { custom_id: capture.custom_id } : {}),
    ...(capture.invoice_id !== undefined ? { invoice_id: capture.invoice_id } : {}),
    ...(inOrder ? {} : { supplementary_data: { related_ids: { order_id: capture.order_id } } }),
    links: [
      { href: self, rel: 'self', method: 'GET' },
      ...(refundable ? [{ href: `${self}/refund`, rel: 'refund', method: 'POST' }] : []),
      { href: `${core.baseUrl()}/v2/checkout/orders/${capture.order_id}`, rel: 'up', method: 'GET' },
    ],
    create_time: capture.create_time,
    update_time: capture.update_time,
  };
}

export function refundJson(core: PayPalSandboxCore, refund: RefundRecord): Record<string, unknown> {
  return {
    id: refund.id,
    status: refund.status,
    amount: { ...refund.amount },
    ...(refund.custom_id !== undefined ? { custom_id: refund.custom_id } : {}),
    ...(refund.invoice_id !== undefined ? { invoice_id: refund.invoice_id } : {}),
    ...(refund.note_to_payer !== undefined ? { note_to_payer: refund.note_to_payer } : {}),
    links: [
      { href: `${core.baseUrl()}/v2/payments/refunds/${refund.id}`, rel: 'self', method: 'GET' },
      { href: `${core.baseUrl()}/v2/payments/captures/${refund.capture_id}`, rel: 'up', method: 'GET' },
    ],
    create_time: refund.create_time,
    update_time: refund.update_time,
  };
}

export function minimalRefund(core: PayPalSandboxCore, refund: RefundRecord): Record<string, unknown> {
  const { id, status, links } = refundJson(core, refund);
  return { id, status, links };
}
