import type { SandboxCore } from './core';
import { planDispute } from './disputes';
import { invalidRequest, parameterMissing, resourceMissing, unexpectedState } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds, randomAlphanumeric } from './ids';
import {
  mergeMetadata,
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalStringArray,
  rejectUnknownParams,
  requiredCurrency,
  type Params,
} from './params';
import { authorize, decline, releaseAuthorization, requireAction } from './payment-flow';
import { resolvePaymentMethod, type ResolvedPaymentMethod } from './payment-methods';
import { chooseSepaMandate, startSepaDebit, type SepaMandateChoice } from './sepa-debit-flow';
import type { CaptureMethod, PaymentIntent, PaymentIntentStatus } from './types';

/** Params Stripe accepts that the sandbox takes but has no behaviour for. */
const TOLERATED = ['automatic_payment_methods', 'statement_descriptor', 'statement_descriptor_suffix', 'setup_future_usage', 'payment_method_options', 'error_on_requires_action', 'shipping', 'confirmation_method'];
// mandate and mandate_data only matter for sepa_debit (see sepa-debit-flow.ts).
const CONFIRM_PARAMS = ['payment_method', 'return_url', 'use_stripe_sdk', 'off_session', 'receipt_email', 'mandate', 'mandate_data'];
// allowed_payment_method_types is what API versions from 2026-07 (stripe-node 23) send instead of payment_method_types.
const CREATE_PARAMS = ['amount', 'currency', 'confirm', 'capture_method', 'metadata', 'description', 'customer', 'payment_method_types', 'allowed_payment_method_types', ...CONFIRM_PARAMS, ...TOLERATED];
const CAPTURE_METHODS: readonly CaptureMethod[] = ['automatic', 'automatic_async', 'manual'];
const CANCELABLE: readonly PaymentIntentStatus[] = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'];
const CANCELLATION_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;

export function getPaymentIntent(core: SandboxCore, id: string): PaymentIntent {
  const pi = core.store.paymentIntents.get(id);
  if (!pi) throw resourceMissing('payment_intent', id);
  return pi;
}

export function createPaymentIntent(core: SandboxCore, op: Operation, params: Params): PaymentIntent {
  rejectUnknownParams(params, CREATE_PARAMS);
  const amount = optionalInteger(params, 'amount', { min: 1, max: 99_999_999 });
  if (amount === undefined) throw parameterMissing('amount');
  const currency = requiredCurrency(params);
  const confirm = optionalBoolean(params, 'confirm') ?? false;
  const paymentMethod = optionalString(params, 'payment_method');
  // Validate everything before anything is stored, so a bad request leaves no trace.
  const metadata = mergeMetadata({}, params);
  const captureMethod = optionalEnum(params, 'capture_method', CAPTURE_METHODS) ?? 'automatic';
  const offSession = optionalBoolean(params, 'off_session') ?? false;
  const useStripeSdk = optionalBoolean(params, 'use_stripe_sdk');
  const customer = optionalString(params, 'customer') ?? null;
  const description = optionalString(params, 'description') ?? null;
  const receiptEmail = optionalString(params, 'receipt_email') ?? null;
  const returnUrl = optionalString(params, 'return_url') ?? null;
  const resolved = paymentMethod ? resolvePaymentMethod(core, paymentMethod) : undefined;
  if (confirm && !resolved) throw parameterMissing('payment_method');
  const paymentMethodTypes = paymentMethodTypesFrom(params, currency, resolved);
  if (resolved) checkMethodFits(resolved, { currency, capture_method: captureMethod, customer, payment_method_types: paymentMethodTypes });
  const sepa = confirm && resolved?.type === 'sepa_debit' ? chooseSepaMandate(core, resolved.paymentMethod, params) : undefined;
  const id = newId('pi');
  const pi: PaymentIntent = {
    id,
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_received: 0,
    currency,
    status: resolved ? 'requires_confirmation' : 'requires_payment_method',
    capture_method: captureMethod,
    client_secret: `${id}_secret_${randomAlphanumeric(25)}`,
    confirmation_method: 'automatic',
    created: nowSeconds(),
    customer,
    description,
    metadata,
    payment_method: resolved ? resolved.paymentMethod.id : null,
    payment_method_types: paymentMethodTypes,
    latest_charge: null,
    last_payment_error: null,
    next_action: null,
    cancellation_reason: null,
    canceled_at: null,
    receipt_email: receiptEmail,
    return_url: returnUrl,
    livemode: false,
  };
  core.store.paymentIntents.set(id, pi);
  op.emit('payment_intent.created', pi);
  core.store.changed();
  if (confirm && resolved) runConfirmation(core, op, pi, resolved, { offSession, useStripeSdk, sepa });
  return pi;
}

export function updatePaymentIntent(core: SandboxCore, _op: Operation, pi: PaymentIntent, params: Params): PaymentIntent {
  rejectUnknownParams(params, ['metadata', 'description', 'receipt_email']);
  const metadata = mergeMetadata(pi.metadata, params);
  const description = optionalString(params, 'description');
  const receiptEmail = optionalString(params, 'receipt_email');
  pi.metadata = metadata;
  if (description !== undefined) pi.description = description || null;
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail || null;
  core.store.changed();
  return pi;
}

export function confirmPaymentIntent(core: SandboxCore, op: Operation, pi: PaymentIntent, params: Params): PaymentIntent {
  rejectUnknownParams(params, [...CONFIRM_PARAMS, ...TOLERATED]);
  if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
    throw unexpectedState(
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_payment_method, requires_confirmation.`,
    );
  }
  const paymentMethod = optionalString(params, 'payment_method');
  const returnUrl = optionalString(params, 'return_url');
  const offSession = optionalBoolean(params, 'off_session') ?? false;
  const useStripeSdk = optionalBoolean(params, 'use_stripe_sdk');
  const receiptEmail = optionalString(params, 'receipt_email');
  const chosen = paymentMethod ?? pi.payment_method;
  if (!chosen) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      'payment_intent_unexpected_state',
      'payment_method',
    );
  }
  const resolved = resolvePaymentMethod(core, chosen);
  checkMethodFits(resolved, pi);
  const sepa = resolved.type === 'sepa_debit' ? chooseSepaMandate(core, resolved.paymentMethod, params) : undefined;
  pi.payment_method = resolved.paymentMethod.id;
  if (returnUrl !== undefined) pi.return_url = returnUrl;
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  runConfirmation(core, op, pi, resolved, { offSession, useStripeSdk, sepa });
  return pi;
}

/**
 * payment_method_types (older API versions), allowed_payment_method_types (newer: incompatible types are
 * dropped), or, with neither, the method's own type as dynamic payment methods would pick it.
 */
function paymentMethodTypesFrom(params: Params, currency: string, resolved: ResolvedPaymentMethod | undefined): string[] {
  const explicit = optionalStringArray(params, 'payment_method_types');
  const allowed = optionalStringArray(params, 'allowed_payment_method_types');
  if (explicit && allowed) {
    throw invalidRequest('You may only specify one of these parameters: payment_method_types, allowed_payment_method_types.', 'parameters_exclusive', 'allowed_payment_method_types');
  }
  if (explicit?.includes('sepa_debit') && currency !== 'eur') throw sepaCurrencyRefused(currency);
  return explicit ?? allowed?.filter((type) => type !== 'sepa_debit' || currency === 'eur') ?? [resolved?.type ?? 'card'];
}

function sepaCurrencyRefused(currency: string) {
  return invalidRequest(
    `The currency provided (${currency}) is invalid. Payments with sepa_debit support the following currencies: eur.`,
    'payment_intent_invalid_parameter',
    'currency',
  );
}

/** Stripe's checks of a method against the intent it pays: allowed type, SEPA rules, and the customer it's attached to. */
function checkMethodFits(
  resolved: ResolvedPaymentMethod,
  pi: Pick<PaymentIntent, 'currency' | 'capture_method' | 'customer' | 'payment_method_types'>,
): void {
  const { paymentMethod } = resolved;
  if (!pi.payment_method_types.includes(paymentMethod.type)) {
    throw invalidRequest(
      `The PaymentMethod provided (${paymentMethod.type}) is not allowed for this PaymentIntent. Please attach a PaymentMethod of one of the following types: ${pi.payment_method_types.join(', ')}.`,
      'payment_intent_incompatible_payment_method',
      'payment_method',
    );
  }
  if (paymentMethod.type === 'sepa_debit') {
    if (pi.currency !== 'eur') throw sepaCurrencyRefused(pi.currency);
    if (pi.capture_method === 'manual') {
      throw invalidRequest('sepa_debit does not support capture_method=manual.', 'payment_intent_invalid_parameter', 'capture_method');
    }
  }
  if (paymentMethod.customer && paymentMethod.customer !== pi.customer) {
    throw invalidRequest(
      `The PaymentMethod ${paymentMethod.id} belongs to customer ${paymentMethod.customer}: pass customer=${paymentMethod.customer} to use it.`,
      'payment_intent_invalid_parameter',
      'customer',
    );
  }
}

/** Whether no other PaymentIntent carries this one's durapay_payment_id (without one, every intent is a first). */
function isFirstIntentOfPayment(core: SandboxCore, pi: PaymentIntent): boolean {
  const paymentId = pi.metadata.durapay_payment_id;
  if (!paymentId) return true;
  return ![...core.store.paymentIntents.values()].some((other) => other.id !== pi.id && other.metadata.durapay_payment_id === paymentId);
}

/** Applies the method's behaviour: the test card's outcome, or a processing SEPA debit. */
function runConfirmation(
  core: SandboxCore,
  op: Operation,
  pi: PaymentIntent,
  resolved: ResolvedPaymentMethod,
  opts: { offSession: boolean; useStripeSdk: boolean | undefined; sepa: SepaMandateChoice | undefined },
): void {
  if (resolved.type === 'sepa_debit') {
    startSepaDebit(core, op, pi, resolved.paymentMethod, opts.sepa as SepaMandateChoice);
    return;
  }
  const { paymentMethod, card } = resolved;
  switch (card.behaviour.kind) {
    case 'success':
    case 'refund_fails':
      authorize(core, op, pi, paymentMethod);
      return;
    case 'dispute':
      authorize(core, op, pi, paymentMethod);
      // Only money taken can be disputed: a manual-capture payment is not (the sandbox keeps it simple).
      if (pi.status === 'succeeded' && pi.latest_charge) planDispute(core, pi.latest_charge);
      return;
    case 'decline':
      decline(core, op, pi, paymentMethod, card.behaviour.decline);
      return;
    case 'decline_first':
      if (isFirstIntentOfPayment(core, pi)) decline(core, op, pi, paymentMethod, card.behaviour.decline);
      authorize(core, op, pi, paymentMethod);
      return;
    case 'authentication_required':
      requireAction(core, op, pi, paymentMethod, opts);
      return;
    case 'risky':
      authorize(core, op, pi, paymentMethod, card.behaviour.riskLevel);
      return;
  }
}

export function capturePaymentIntent(core: SandboxCore, op: Operation, pi: PaymentIntent, params: Params): PaymentIntent {
  rejectUnknownParams(params, ['amount_to_capture', 'metadata', 'final_capture', 'statement_descriptor', 'statement_descriptor_suffix']);
  const amountToCapture = optionalInteger(params, 'amount_to_capture', { min: 1 });
  const metadata = mergeMetadata(pi.metadata, params);
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const amount = amountToCapture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw invalidRequest(
      `The amount to capture (${amount}) is greater than the amount capturable (${pi.amount_capturable}).`,
      'amount_too_large',
      'amount_to_capture',
    );
  }
  const charge = core.store.charges.get(pi.latest_charge as string);
  if (!charge) throw new Error(`PaymentIntent ${pi.id} has no charge to capture`);
  charge.captured = true;
  charge.amount_captured = amount;
  pi.metadata = metadata;
  pi.amount_received = amount;
  pi.amount_capturable = 0;
  pi.status = 'succeeded';
  op.emit('charge.captured', charge);
  op.emit('payment_intent.succeeded', pi);
  core.store.changed();
  return pi;
}

export function cancelPaymentIntent(core: SandboxCore, op: Operation, pi: PaymentIntent, params: Params): PaymentIntent {
  rejectUnknownParams(params, ['cancellation_reason']);
  const reason = optionalEnum(params, 'cancellation_reason', CANCELLATION_REASONS);
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  releaseAuthorization(core, pi);
  pi.status = 'canceled';
  pi.cancellation_reason = reason ?? null;
  pi.next_action = null;
  op.emit('payment_intent.canceled', pi);
  core.store.changed();
  return pi;
}
