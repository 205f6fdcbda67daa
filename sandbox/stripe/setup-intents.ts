import type { SandboxCore } from './core';
import { getCustomer } from './customers';
import { invalidRequest, parameterMissing, resourceMissing } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds, randomAlphanumeric } from './ids';
import { createMandate, customerAcceptanceFrom } from './mandates';
import { mergeMetadata, optionalBoolean, optionalEnum, optionalString, optionalStringArray, rejectUnknownParams, type Params } from './params';
import { resolvePaymentMethod } from './payment-methods';
import type { SepaDebitPaymentMethod, SetupIntent } from './types';

/** Params Stripe accepts that the sandbox takes but has no behaviour for. */
const TOLERATED = ['automatic_payment_methods', 'payment_method_options', 'return_url', 'use_stripe_sdk', 'flow_directions'];
const CREATE_PARAMS = ['customer', 'payment_method', 'payment_method_types', 'allowed_payment_method_types', 'confirm', 'usage', 'mandate_data', 'metadata', 'description', ...TOLERATED];

export function getSetupIntent(core: SandboxCore, id: string): SetupIntent {
  const setupIntent = core.store.setupIntents.get(id);
  if (!setupIntent) throw resourceMissing('setup_intent', id);
  return setupIntent;
}

/**
 * Saving a SEPA account for later debits: confirming with mandate_data creates an active multi-use mandate and
 * attaches the method to the customer, as Stripe does when a SetupIntent succeeds. Validated whole before
 * anything is stored.
 */
export function createSetupIntent(core: SandboxCore, op: Operation, params: Params): SetupIntent {
  rejectUnknownParams(params, CREATE_PARAMS);
  const customerId = optionalString(params, 'customer');
  const customer = customerId ? getCustomer(core, customerId, 'customer') : null;
  const confirm = optionalBoolean(params, 'confirm') ?? false;
  const usage = optionalEnum(params, 'usage', ['off_session', 'on_session'] as const) ?? 'off_session';
  const metadata = mergeMetadata({}, params);
  const types = optionalStringArray(params, 'payment_method_types') ?? optionalStringArray(params, 'allowed_payment_method_types');
  const paymentMethodId = optionalString(params, 'payment_method');
  const resolved = paymentMethodId ? resolvePaymentMethod(core, paymentMethodId) : undefined;
  if (resolved && resolved.type !== 'sepa_debit') {
    throw invalidRequest('The Durapay sandbox emulates SetupIntents for sepa_debit only; attach cards with POST /v1/payment_methods/:id/attach.', 'setup_intent_invalid_parameter', 'payment_method');
  }
  if (types && !types.includes('sepa_debit')) {
    throw invalidRequest(`The PaymentMethod provided (sepa_debit) is not allowed for this SetupIntent (${types.join(', ')}).`, 'setup_intent_invalid_parameter', 'payment_method_types');
  }
  const paymentMethod: SepaDebitPaymentMethod | undefined = resolved?.paymentMethod;
  if (confirm && !paymentMethod) throw parameterMissing('payment_method');
  if (paymentMethod?.customer && paymentMethod.customer !== customer?.id) {
    throw invalidRequest(`The PaymentMethod ${paymentMethod.id} belongs to customer ${paymentMethod.customer}.`, 'setup_intent_invalid_parameter', 'customer');
  }
  const acceptance = customerAcceptanceFrom(params);
  if (acceptance && !confirm) throw invalidRequest('mandate_data can only be used with confirm=true.', 'setup_intent_invalid_parameter', 'mandate_data');
  if (confirm && !acceptance) throw parameterMissing('mandate_data[customer_acceptance]');

  const id = newId('seti');
  const setupIntent: SetupIntent = {
    id,
    object: 'setup_intent',
    client_secret: `${id}_secret_${randomAlphanumeric(25)}`,
    created: nowSeconds(),
    customer: customer?.id ?? null,
    description: optionalString(params, 'description') || null,
    last_setup_error: null,
    latest_attempt: null,
    mandate: null,
    metadata,
    next_action: null,
    payment_method: paymentMethod?.id ?? null,
    payment_method_types: ['sepa_debit'],
    status: paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    usage,
    livemode: false,
  };
  core.store.setupIntents.set(id, setupIntent);
  op.emit('setup_intent.created', setupIntent);
  if (confirm && paymentMethod && acceptance) {
    setupIntent.mandate = createMandate(core, paymentMethod, acceptance, { type: 'multi_use' }).id;
    setupIntent.status = 'succeeded';
    if (customer && !paymentMethod.customer) {
      paymentMethod.customer = customer.id;
      op.emit('payment_method.attached', paymentMethod);
    }
    op.emit('setup_intent.succeeded', setupIntent);
  }
  core.store.changed();
  return setupIntent;
}
