import { createHash } from 'node:crypto';
import type { SandboxCore } from './core';
import { getCustomer } from './customers';
import { invalidRequest, parameterMissing, resourceMissing } from './errors';
import type { Operation } from './events';
import { describeIban, isValidSepaIban, normalizeIban } from './iban';
import { newId, nowSeconds } from './ids';
import { deactivateMandatesOf } from './mandates';
import { mergeMetadata, optionalString, rejectUnknownParams, requiredString, type Params } from './params';
import { sepaOutcomeOf } from './sepa-test-ibans';
import { TEST_CARDS, type TestCard } from './test-cards';
import type { BillingDetails, CardPaymentMethod, PaymentMethod, SepaDebitPaymentMethod, SepaOutcome } from './types';

export type ResolvedPaymentMethod =
  | { type: 'card'; paymentMethod: CardPaymentMethod; card: TestCard }
  | { type: 'sepa_debit'; paymentMethod: SepaDebitPaymentMethod; outcome: SepaOutcome };

/**
 * Accepts a test token (pm_card_visa...) or a pm_ id made earlier (from a token or a created sepa_debit method).
 * Like Stripe, each use of a token creates a fresh PaymentMethod with its own id that keeps the token's behaviour.
 */
export function resolvePaymentMethod(core: SandboxCore, idOrToken: string, param = 'payment_method'): ResolvedPaymentMethod {
  const { store } = core;
  const existing = store.paymentMethods.get(idOrToken);
  if (existing?.type === 'sepa_debit') {
    return { type: 'sepa_debit', paymentMethod: existing, outcome: store.sepaOutcomes.get(existing.id) ?? 'succeeds' };
  }
  const existingCard = existing ? cardOf(core, existing.id) : undefined;
  if (existing && existingCard) return { type: 'card', paymentMethod: existing, card: existingCard };
  const card = Object.prototype.hasOwnProperty.call(TEST_CARDS, idOrToken) ? TEST_CARDS[idOrToken] : undefined;
  if (!card) throw invalidRequest(`No such PaymentMethod: '${idOrToken}'`, 'resource_missing', param);
  const paymentMethod: CardPaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    type: 'card',
    card: {
      brand: card.brand,
      last4: card.last4,
      exp_month: 12,
      exp_year: new Date().getUTCFullYear() + 3,
      country: card.country,
      funding: card.funding,
      fingerprint: createHash('sha256').update(`durapay-sandbox-card:${idOrToken}`).digest('base64url').slice(0, 16),
    },
    billing_details: { address: null, email: null, name: null, phone: null },
    created: nowSeconds(),
    customer: null,
    livemode: false,
    metadata: {},
  };
  store.paymentMethods.set(paymentMethod.id, paymentMethod);
  store.paymentMethodTokens.set(paymentMethod.id, idOrToken);
  store.changed();
  return { type: 'card', paymentMethod, card };
}

/** The test card behind a card PaymentMethod's id. */
export function cardOf(core: SandboxCore, paymentMethodId: string): TestCard | undefined {
  const token = core.store.paymentMethodTokens.get(paymentMethodId);
  return token ? TEST_CARDS[token] : undefined;
}

function billingDetailsFrom(params: Params): BillingDetails {
  const raw = params.billing_details ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidRequest('Invalid object', 'parameter_invalid_object', 'billing_details');
  const details = raw as Params;
  for (const key of Object.keys(details)) {
    if (key !== 'name' && key !== 'email') throw invalidRequest(`Received unknown parameter: billing_details[${key}]`, 'parameter_unknown', `billing_details[${key}]`);
  }
  return { address: null, email: optionalString(details, 'email') || null, name: optionalString(details, 'name') || null, phone: null };
}

/** POST /v1/payment_methods: sepa_debit from an IBAN. Cards come from test tokens, never raw numbers. */
export function createPaymentMethod(core: SandboxCore, op: Operation, params: Params): SepaDebitPaymentMethod {
  rejectUnknownParams(params, ['type', 'sepa_debit', 'billing_details', 'metadata']);
  const type = requiredString(params, 'type');
  if (type !== 'sepa_debit') {
    throw invalidRequest(`The Durapay sandbox creates sepa_debit PaymentMethods only (got ${type}); use a test token such as pm_card_visa for cards.`, 'payment_method_unsupported_type', 'type');
  }
  const sepa = params.sepa_debit;
  if (typeof sepa !== 'object' || sepa === null || Array.isArray(sepa)) throw parameterMissing('sepa_debit[iban]');
  const iban = normalizeIban(requiredString(sepa as Params, 'iban'));
  if (!isValidSepaIban(iban)) {
    throw invalidRequest(`The IBAN you provided (…${iban.slice(-4)}) is invalid.`, 'invalid_bank_account_iban', 'sepa_debit[iban]');
  }
  const billingDetails = billingDetailsFrom(params);
  // Stripe needs the account holder's name and email to debit a SEPA account.
  if (!billingDetails.name) throw parameterMissing('billing_details[name]');
  if (!billingDetails.email) throw parameterMissing('billing_details[email]');
  const paymentMethod: SepaDebitPaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    type: 'sepa_debit',
    sepa_debit: { ...describeIban(iban), generated_from: null },
    billing_details: billingDetails,
    created: nowSeconds(),
    customer: null,
    livemode: false,
    metadata: mergeMetadata({}, params),
  };
  core.store.paymentMethods.set(paymentMethod.id, paymentMethod);
  // Only the outcome is kept, never the IBAN.
  core.store.sepaOutcomes.set(paymentMethod.id, sepaOutcomeOf(iban));
  op.emit('payment_method.created', paymentMethod);
  core.store.changed();
  return paymentMethod;
}

/** Stripe accepts test tokens wherever a PaymentMethod id goes, GET included. */
export function getPaymentMethod(core: SandboxCore, idOrToken: string): PaymentMethod {
  if (!core.store.paymentMethods.has(idOrToken) && !Object.prototype.hasOwnProperty.call(TEST_CARDS, idOrToken)) {
    throw resourceMissing('payment_method', idOrToken);
  }
  return resolvePaymentMethod(core, idOrToken, 'id').paymentMethod;
}

/** Attaching a token makes a new PaymentMethod (like Stripe), so callers must keep the id this returns. */
export function attachPaymentMethod(core: SandboxCore, op: Operation, idOrToken: string, params: Params): PaymentMethod {
  rejectUnknownParams(params, ['customer']);
  const customer = getCustomer(core, requiredString(params, 'customer'), 'customer');
  const { paymentMethod } = resolvePaymentMethod(core, idOrToken, 'id');
  if (paymentMethod.customer === customer.id) return paymentMethod;
  if (paymentMethod.customer) {
    throw invalidRequest(`The payment method ${paymentMethod.id} is already attached to another customer.`, 'payment_method_unexpected_state', 'customer');
  }
  paymentMethod.customer = customer.id;
  op.emit('payment_method.attached', paymentMethod);
  core.store.changed();
  return paymentMethod;
}

/** Like Stripe, detaching what isn't attached is an error; the adapter is the one that makes detach idempotent. */
export function detachPaymentMethod(core: SandboxCore, op: Operation, id: string, params: Params): PaymentMethod {
  rejectUnknownParams(params, []);
  const paymentMethod = core.store.paymentMethods.get(id);
  if (!paymentMethod) throw resourceMissing('payment_method', id);
  if (!paymentMethod.customer) {
    throw invalidRequest('The payment method you provided is not attached to a customer so detachment is impossible.', 'payment_method_unexpected_state', 'payment_method');
  }
  paymentMethod.customer = null;
  op.emit('payment_method.detached', paymentMethod);
  if (paymentMethod.type === 'sepa_debit') deactivateMandatesOf(core, op, paymentMethod.id);
  core.store.changed();
  return paymentMethod;
}
