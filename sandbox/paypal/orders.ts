import type { PayPalSandboxCore } from './core';
import { unprocessable } from './errors';
import { emitEvent } from './events';
import { newPayerId, newPayPalId, nowIso } from './ids';
import type { OrderRequest } from './order-request';
import { captureJson, checkoutUrl, fullOrder } from './render';
import type { CaptureRecord, OrderRecord, PayerOutcome } from './types';

export function createOrder(core: PayPalSandboxCore, request: OrderRequest): OrderRecord {
  const now = nowIso();
  const order: OrderRecord = {
    id: newPayPalId(),
    ...request,
    // PayPal answers PAYER_ACTION_REQUIRED for payment_source.paypal orders, CREATED for the older flow.
    status: request.flow === 'payment_source' ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
    payer: null,
    outcome: null,
    capture_ids: [],
    create_time: now,
    update_time: now,
  };
  core.store.orders.set(order.id, order);
  core.store.changed();
  return order;
}

/** The payer can act on an order until it is captured; approving again (after a decline) picks a new outcome. */
export function awaitsPayer(order: OrderRecord): boolean {
  return order.status === 'CREATED' || order.status === 'PAYER_ACTION_REQUIRED' || order.status === 'APPROVED';
}

/** The payer approved on the checkout page; `outcome` decides what the capture will do. */
export function approveOrder(core: PayPalSandboxCore, order: OrderRecord, outcome: PayerOutcome): void {
  order.status = 'APPROVED';
  order.outcome = outcome;
  order.payer ??= {
    payer_id: newPayerId(),
    email_address: 'payer@sandbox.durapay.local',
    name: { given_name: 'Sandbox', surname: 'Payer' },
  };
  order.update_time = nowIso();
  core.store.changed();
  emitEvent(core, 'CHECKOUT.ORDER.APPROVED', 'checkout-order', fullOrder(core, order), 'An order has been approved by buyer');
}

const ORDER_ISSUES = {
  COMPLETED: ['ORDER_ALREADY_CAPTURED', "Order already captured. If 'intent=CAPTURE' only one capture per order is allowed."],
  VOIDED: ['ORDER_ALREADY_VOIDED', 'The order has been voided and cannot be captured.'],
  NOT_APPROVED: [
    'ORDER_NOT_APPROVED',
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
  ],
} as const;

/** Captures an approved order: COMPLETED, or DECLINED (deny), or a 422 INSTRUMENT_DECLINED (decline). */
export function captureOrder(core: PayPalSandboxCore, order: OrderRecord): OrderRecord {
  if (order.status !== 'APPROVED') {
    const [issue, description] = ORDER_ISSUES[order.status === 'COMPLETED' || order.status === 'VOIDED' ? order.status : 'NOT_APPROVED'];
    throw unprocessable({ issue, description });
  }
  if (order.outcome === 'decline') {
    // Like PayPal's INSTRUMENT_DECLINED negative test: the order stays APPROVED; the payer may pick another funding source.
    throw unprocessable(
      {
        issue: 'INSTRUMENT_DECLINED',
        description: "The instrument presented was either declined by the processor or bank, or it can't be used for this payment.",
      },
      [{ href: checkoutUrl(core, order.id), rel: 'redirect', method: 'GET' }],
    );
  }
  const now = nowIso();
  const unit = order.purchase_unit;
  const capture: CaptureRecord = {
    id: newPayPalId(),
    order_id: order.id,
    status: order.outcome === 'deny' ? 'DECLINED' : 'COMPLETED',
    amount: { ...unit.amount },
    refunded_units: 0,
    ...(unit.custom_id !== undefined ? { custom_id: unit.custom_id } : {}),
    ...(unit.invoice_id !== undefined ? { invoice_id: unit.invoice_id } : {}),
    refund_ids: [],
    create_time: now,
    update_time: now,
  };
  core.store.captures.set(capture.id, capture);
  order.capture_ids.push(capture.id);
  order.status = 'COMPLETED';
  order.update_time = now;
  core.store.changed();
  const amount = `${unit.amount.value} ${unit.amount.currency_code}`;
  if (capture.status === 'COMPLETED') {
    emitEvent(core, 'PAYMENT.CAPTURE.COMPLETED', 'capture', captureJson(core, capture), `Payment completed for ${amount}`);
  } else {
    emitEvent(core, 'PAYMENT.CAPTURE.DENIED', 'capture', captureJson(core, capture), `Payment denied for ${amount}`);
  }
  return order;
}
