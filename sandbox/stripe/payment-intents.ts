import type { SandboxCore } from './core';
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
import { resolvePaymentMethod } from './payment-methods';
import type { CaptureMethod, PaymentIntent, PaymentIntentStatus } from './types';

/** Params Stripe accepts that the sandbox takes but has no behaviour for. */
const TOLERATED = ['automatic_payment_methods', 'statement_descriptor', 'statement_descriptor_suffix', 'setup_future_usage', 'payment_method_options', 'error_on_requires_action', 'mandate_data', 'shipping', 'confirmation_method'];
const CONFIRM_PARAMS = ['payment_method', 'return_url', 'use_stripe_sdk', 'off_session', 'receipt_email'];
const CREATE_PARAMS = ['amount', 'currency', 'confirm', 'capture_method', 'metadata', 'description', 'customer', 'payment_method_types', ...CONFIRM_PARAMS, ...TOLERATED];
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
  const paymentMethodTypes = optionalStringArray(params, 'payment_method_types') ?? ['card'];
  const receiptEmail = optionalString(params, 'receipt_email') ?? null;
  const returnUrl = optionalString(params, 'return_url') ?? null;
  const resolved = paymentMethod ? resolvePaymentMethod(core, paymentMethod) : undefined;
  if (confirm && !resolved) throw parameterMissing('payment_method');
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
  if (confirm) runConfirmation(core, op, pi, { offSession, useStripeSdk });
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
  if (paymentMethod) pi.payment_method = resolvePaymentMethod(core, paymentMethod).paymentMethod.id;
  if (!pi.payment_method) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      'payment_intent_unexpected_state',
      'payment_method',
    );
  }
  if (returnUrl !== undefined) pi.return_url = returnUrl;
  if (receiptEmail !== undefined) pi.receipt_email = receiptEmail;
  runConfirmation(core, op, pi, { offSession, useStripeSdk });
  return pi;
}

/** Applies the test card's behaviour to an intent that has a payment method. */
function runConfirmation(core: SandboxCore, op: Operation, pi: PaymentIntent, opts: { offSession: boolean; useStripeSdk: boolean | undefined }): void {
  const { paymentMethod, card } = resolvePaymentMethod(core, pi.payment_method as string);
  switch (card.behaviour.kind) {
    case 'success':
    case 'refund_fails':
      authorize(core, op, pi, paymentMethod);
      return;
    case 'decline':
      decline(core, op, pi, paymentMethod, card.behaviour.decline);
      return;
    case 'authentication_required':
      requireAction(core, op, pi, paymentMethod, opts);
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
