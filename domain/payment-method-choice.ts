/** Decides which provider and kind of method pays, from what the request names. Pure: lookups happen outside. */

export type PaymentMethodType = 'card' | 'sepa_debit' | 'paypal' | 'cash' | 'bank_transfer';
export const PAYMENT_METHOD_TYPES: readonly PaymentMethodType[] = ['card', 'sepa_debit', 'paypal', 'cash', 'bank_transfer'];

export interface SavedMethodRef {
  id: string;
  customer_id: string;
  provider: string;
  type: 'card' | 'sepa_debit';
  provider_method_id: string;
  provider_customer_id: string | null;
  mandate_id: string | null;
  active: boolean;
}

export interface MethodRequest {
  provider?: string;
  payment_method_type?: PaymentMethodType;
  payment_method?: string;
  customer_id?: string;
  currency: string;
}

export interface ChosenMethod {
  provider: string;
  type: PaymentMethodType;
  /** The provider token or saved method's provider id; null for PayPal and offline methods. */
  providerMethodId: string | null;
  savedMethodId: string | null;
  providerCustomerId: string | null;
  mandateId: string | null;
}

export type MethodChoice = { ok: true; method: ChosenMethod } | { ok: false; code: string; message: string; param: string };

export const SAVED_METHOD_PREFIX = 'dpm_';

export function chooseMethod(request: MethodRequest, saved: SavedMethodRef | null): MethodChoice {
  const type = request.payment_method_type ?? (request.provider === 'paypal' ? 'paypal' : saved?.type ?? 'card');
  if (type === 'cash' || type === 'bank_transfer') {
    return { ok: true, method: { provider: 'offline', type, providerMethodId: null, savedMethodId: null, providerCustomerId: null, mandateId: null } };
  }
  if (type === 'paypal' || request.provider === 'paypal') {
    if (request.provider && request.provider !== 'paypal') return { ok: false, code: 'parameter_invalid', message: 'payment_method_type paypal goes with provider paypal.', param: 'provider' };
    return { ok: true, method: { provider: 'paypal', type: 'paypal', providerMethodId: null, savedMethodId: null, providerCustomerId: null, mandateId: null } };
  }
  if (saved) {
    if (!saved.active) return { ok: false, code: 'payment_method_inactive', message: 'This saved payment method is deactivated.', param: 'payment_method' };
    // A saved method charges off-session: only its own customer, named explicitly, may use it.
    if (request.customer_id === undefined) {
      return { ok: false, code: 'payment_method_customer_mismatch', message: 'A saved payment method is used with the customer_id of the customer it belongs to.', param: 'customer_id' };
    }
    if (request.customer_id !== saved.customer_id) {
      return { ok: false, code: 'payment_method_customer_mismatch', message: 'This saved payment method belongs to another customer.', param: 'payment_method' };
    }
    if (saved.type === 'sepa_debit' && request.currency !== 'eur') {
      return { ok: false, code: 'currency_not_supported', message: 'SEPA Direct Debit takes EUR only.', param: 'currency' };
    }
    return {
      ok: true,
      method: { provider: saved.provider, type: saved.type, providerMethodId: saved.provider_method_id, savedMethodId: saved.id, providerCustomerId: saved.provider_customer_id, mandateId: saved.mandate_id },
    };
  }
  // A saved method named but not found is missing, whatever the type asks for (404, like any unknown id).
  if (type === 'sepa_debit' && request.payment_method?.startsWith(SAVED_METHOD_PREFIX)) {
    return { ok: false, code: 'resource_missing', message: `No such saved payment method: '${request.payment_method}'`, param: 'payment_method' };
  }
  if (type === 'sepa_debit') {
    return { ok: false, code: 'parameter_missing', message: 'SEPA Direct Debit needs a saved sepa_debit method: save one with POST /v1/payment-methods first.', param: 'payment_method' };
  }
  if (!request.payment_method) return { ok: false, code: 'parameter_missing', message: 'Missing required param: payment_method.', param: 'payment_method' };
  if (request.payment_method.startsWith(SAVED_METHOD_PREFIX)) {
    return { ok: false, code: 'resource_missing', message: `No such saved payment method: '${request.payment_method}'`, param: 'payment_method' };
  }
  return { ok: true, method: { provider: request.provider ?? 'stripe', type: 'card', providerMethodId: request.payment_method, savedMethodId: null, providerCustomerId: null, mandateId: null } };
}
