import { buildCharge } from './charges';
import type { SandboxCore } from './core';
import { cardError } from './errors';
import type { Operation } from './events';
import { nowSeconds } from './ids';
import { AUTHENTICATION_FAILURE_MESSAGE, OFF_SESSION_AUTHENTICATION_DECLINE, type Decline } from './test-cards';
import type { CardPaymentMethod, PaymentIntent } from './types';

/** Card approved: a charge is created and the intent succeeds or waits for capture. */
export function authorize(core: SandboxCore, op: Operation, pi: PaymentIntent, pm: CardPaymentMethod, riskLevel?: 'elevated' | 'highest'): void {
  const manual = pi.capture_method === 'manual';
  const charge = buildCharge(pi, pm, { captured: !manual });
  if (riskLevel && charge.outcome) charge.outcome = { ...charge.outcome, risk_level: riskLevel, seller_message: 'Stripe evaluated this payment as having elevated risk.' };
  core.store.charges.set(charge.id, charge);
  pi.payment_method = pm.id;
  pi.latest_charge = charge.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  if (manual) {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
  }
  op.emit('charge.succeeded', charge);
  op.emit(manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded', pi);
  core.store.changed();
}

/**
 * Card declined: a failed charge is recorded, the intent goes back to requires_payment_method,
 * and the request answers 402 with the intent attached (what the SDK's StripeCardError carries).
 */
export function decline(core: SandboxCore, op: Operation, pi: PaymentIntent, pm: CardPaymentMethod, reason: Decline): never {
  const charge = buildCharge(pi, pm, { decline: reason });
  core.store.charges.set(charge.id, charge);
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.latest_charge = charge.id;
  pi.next_action = null;
  pi.last_payment_error = {
    type: 'card_error',
    code: reason.code,
    decline_code: reason.decline_code,
    message: reason.message,
    ...(reason.param ? { param: reason.param } : {}),
    charge: charge.id,
    payment_method: structuredClone(pm),
  };
  op.emit('charge.failed', charge);
  op.emit('payment_intent.payment_failed', pi);
  core.store.changed();
  throw cardError({
    code: reason.code,
    decline_code: reason.decline_code,
    message: reason.message,
    ...(reason.param ? { param: reason.param } : {}),
    charge: charge.id,
    payment_intent: structuredClone(pi),
    payment_method: structuredClone(pm),
  });
}

/** 3-D Secure challenge: the customer must visit the sandbox's 3DS page. */
export function requireAction(
  core: SandboxCore,
  op: Operation,
  pi: PaymentIntent,
  pm: CardPaymentMethod,
  opts: { offSession: boolean; useStripeSdk: boolean | undefined },
): void {
  if (opts.offSession) decline(core, op, pi, pm, OFF_SESSION_AUTHENTICATION_DECLINE);
  const url = `${core.baseUrl()}/_sandbox/3ds/${pi.id}`;
  pi.payment_method = pm.id;
  pi.status = 'requires_action';
  pi.last_payment_error = null;
  pi.next_action =
    pi.return_url || opts.useStripeSdk === false
      ? { type: 'redirect_to_url', redirect_to_url: { url, return_url: pi.return_url } }
      : { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url } };
  op.emit('payment_intent.requires_action', pi);
  core.store.changed();
}

/** The customer's answer on the 3DS page. */
export function completeAuthentication(core: SandboxCore, op: Operation, pi: PaymentIntent, approved: boolean): void {
  const pm = pi.payment_method ? core.store.paymentMethods.get(pi.payment_method) : undefined;
  if (pm?.type !== 'card') throw new Error(`PaymentIntent ${pi.id} is awaiting authentication without a payment method`);
  if (approved) {
    authorize(core, op, pi, pm);
    return;
  }
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.next_action = null;
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    message: AUTHENTICATION_FAILURE_MESSAGE,
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
    payment_method: structuredClone(pm),
  };
  op.emit('payment_intent.payment_failed', pi);
  core.store.changed();
}

/** Releases an uncaptured authorization when its intent is canceled. */
export function releaseAuthorization(core: SandboxCore, pi: PaymentIntent): void {
  const charge = pi.latest_charge ? core.store.charges.get(pi.latest_charge) : undefined;
  if (charge && charge.status === 'succeeded' && !charge.captured) {
    charge.amount_refunded = charge.amount;
    charge.refunded = true;
  }
  pi.amount_capturable = 0;
  pi.canceled_at = nowSeconds();
}
