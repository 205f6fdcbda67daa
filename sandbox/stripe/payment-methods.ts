import type { SandboxCore } from './core';
import { invalidRequest } from './errors';
import { newId, nowSeconds } from './ids';
import { TEST_CARDS, type TestCard } from './test-cards';
import type { PaymentMethod } from './types';

export interface ResolvedPaymentMethod {
  paymentMethod: PaymentMethod;
  card: TestCard;
}

/**
 * Accepts a test token (pm_card_visa...) or a pm_ id made from one earlier.
 * Like Stripe, each use of a token creates a fresh PaymentMethod with its own id.
 */
export function resolvePaymentMethod(core: SandboxCore, idOrToken: string): ResolvedPaymentMethod {
  const { store } = core;
  const existing = store.paymentMethods.get(idOrToken);
  const existingToken = store.paymentMethodTokens.get(idOrToken);
  if (existing && existingToken && TEST_CARDS[existingToken]) {
    return { paymentMethod: existing, card: TEST_CARDS[existingToken] };
  }
  const card = Object.prototype.hasOwnProperty.call(TEST_CARDS, idOrToken) ? TEST_CARDS[idOrToken] : undefined;
  if (!card) {
    throw invalidRequest(`No such PaymentMethod: '${idOrToken}'`, 'resource_missing', 'payment_method');
  }
  const paymentMethod: PaymentMethod = {
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
  return { paymentMethod, card };
}

/** The card behind a PaymentIntent's stored payment_method id. */
export function cardOf(core: SandboxCore, paymentMethodId: string): TestCard | undefined {
  const token = core.store.paymentMethodTokens.get(paymentMethodId);
  return token ? TEST_CARDS[token] : undefined;
}
