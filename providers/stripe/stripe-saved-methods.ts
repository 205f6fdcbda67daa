import type Stripe from 'stripe';
import { ProviderRequestError, type SavedMethodDetails } from '../types';

/** Display details of an attached card: brand, last4, expiry, never the number. */
export function toSavedCard(paymentMethod: Stripe.PaymentMethod): SavedMethodDetails {
  const card = paymentMethod.card;
  if (paymentMethod.type !== 'card' || !card) {
    throw new ProviderRequestError(`${paymentMethod.id} is a ${paymentMethod.type} method, not a card`, 'payment_method_invalid_type', 'token');
  }
  return {
    providerMethodId: paymentMethod.id,
    type: 'card',
    brand: card.brand,
    last4: card.last4,
    expMonth: card.exp_month,
    expYear: card.exp_year,
    mandateId: null,
    bankCode: null,
    country: card.country ?? null,
  };
}

/** Display details of a SEPA account and the mandate it is debited under; Stripe never returns the IBAN. */
export function toSavedSepaDebit(paymentMethod: Stripe.PaymentMethod, mandateId: string): SavedMethodDetails {
  const account = paymentMethod.sepa_debit;
  if (paymentMethod.type !== 'sepa_debit' || !account) {
    throw new ProviderRequestError(`${paymentMethod.id} is a ${paymentMethod.type} method, not sepa_debit`, 'payment_method_invalid_type', 'iban');
  }
  return {
    providerMethodId: paymentMethod.id,
    type: 'sepa_debit',
    brand: null,
    last4: account.last4,
    expMonth: null,
    expYear: null,
    mandateId,
    bankCode: account.bank_code,
    country: account.country,
  };
}
