import { refundableAmount } from './charges';
import type { SandboxCore } from './core';
import { invalidRequest, resourceMissing } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds } from './ids';
import { mergeMetadata, optionalEnum, optionalInteger, optionalString, rejectUnknownParams, type Params } from './params';
import { cardOf } from './payment-methods';
import type { Charge, Refund } from './types';

const REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;
/** Stripe's documented failure for pm_card_refundFail refunds. */
const REFUND_FAILURE_REASON = 'expired_or_canceled_card';

export function getRefund(core: SandboxCore, id: string): Refund {
  const refund = core.store.refunds.get(id);
  if (!refund) throw resourceMissing('refund', id);
  return refund;
}

/** Finds the charge a refund request points at, via payment_intent or charge. */
function chargeToRefund(core: SandboxCore, params: Params): Charge {
  const paymentIntentId = optionalString(params, 'payment_intent');
  const chargeId = optionalString(params, 'charge');
  if (!paymentIntentId && !chargeId) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing');
  }
  let charge: Charge | undefined;
  if (paymentIntentId) {
    const pi = core.store.paymentIntents.get(paymentIntentId);
    if (!pi) throw invalidRequest(`No such payment_intent: '${paymentIntentId}'`, 'resource_missing', 'payment_intent');
    if (pi.status !== 'succeeded') {
      throw invalidRequest(
        `This PaymentIntent (${pi.id}) does not have a successful charge to refund (status: ${pi.status}).`,
        'charge_not_refundable',
        'payment_intent',
      );
    }
    charge = core.store.charges.get(pi.latest_charge as string);
  } else if (chargeId) {
    charge = core.store.charges.get(chargeId);
    if (!charge) throw invalidRequest(`No such charge: '${chargeId}'`, 'resource_missing', 'charge');
  }
  if (!charge || charge.status !== 'succeeded' || !charge.captured) {
    throw invalidRequest('This charge has not been captured or did not succeed, so it cannot be refunded.', 'charge_not_refundable', 'charge');
  }
  if (chargeId && charge.id !== chargeId) throw invalidRequest('charge and payment_intent do not match.', undefined, 'charge');
  return charge;
}

export function createRefund(core: SandboxCore, op: Operation, params: Params): Refund {
  rejectUnknownParams(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'instructions_email']);
  const amount = optionalInteger(params, 'amount', { min: 1 });
  const reason = optionalEnum(params, 'reason', REFUND_REASONS) ?? null;
  const metadata = mergeMetadata({}, params);
  const charge = chargeToRefund(core, params);
  const remaining = refundableAmount(charge);
  if (remaining <= 0) {
    throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded', 'charge');
  }
  const refundAmount = amount ?? remaining;
  if (refundAmount > remaining) {
    throw invalidRequest(
      `Refund amount (${refundAmount}) is greater than unrefunded amount on charge (${remaining})`,
      'amount_too_large',
      'amount',
    );
  }
  // A refund bound to fail stays pending until it does, so the engine never books it as paid out.
  const failsLater = cardOf(core, charge.payment_method)?.behaviour.kind === 'refund_fails';
  const refund: Refund = {
    id: newId('re'),
    object: 'refund',
    amount: refundAmount,
    currency: charge.currency,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    status: failsLater ? 'pending' : 'succeeded',
    reason,
    metadata,
    created: nowSeconds(),
    failure_reason: null,
  };
  core.store.refunds.set(refund.id, refund);
  charge.amount_refunded += refundAmount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  op.emit('refund.created', refund);
  op.emit('charge.refunded', charge);
  if (failsLater) {
    core.store.refundsAwaitingFailure.add(refund.id);
    core.scheduleRefundFailure(refund.id);
  }
  core.store.changed();
  return refund;
}

/** pm_card_refundFail: the refund is pending, then fails a moment later. */
export function failRefund(core: SandboxCore, op: Operation, refundId: string): void {
  core.store.refundsAwaitingFailure.delete(refundId);
  const refund = core.store.refunds.get(refundId);
  const charge = refund ? core.store.charges.get(refund.charge) : undefined;
  if (!refund || !charge || refund.status === 'failed' || refund.status === 'canceled') {
    core.store.changed();
    return;
  }
  refund.status = 'failed';
  refund.failure_reason = REFUND_FAILURE_REASON;
  charge.amount_refunded = Math.max(0, charge.amount_refunded - refund.amount);
  charge.refunded = false;
  op.emit('refund.updated', refund);
  op.emit('refund.failed', refund);
  op.emit('charge.refund.updated', refund);
  core.store.changed();
}
