/**
 * What each provider can do, declared as plain data by its own folder (as Hyperswitch's connector specifications do).
 * Workflow-safe: no SDK, no I/O, so API handlers, activities and workflows all ask the same questions of it,
 * never a provider's name.
 */
import type { PaymentMethodType } from '../domain/payment-method-choice';
import { OFFLINE_CAPABILITIES } from './offline/offline-capabilities';
import { PAYPAL_CAPABILITIES } from './paypal/paypal-capabilities';
import { STRIPE_CAPABILITIES } from './stripe/stripe-capabilities';

export interface MethodCapabilities {
  /** How the method is named to API clients ("SEPA Direct Debit payments are captured automatically."). */
  label: string;
  /** capture_method manual is possible: the payment waits in requires_capture until captured. */
  manualCapture: boolean;
  /** A manual capture may take less than the authorized amount. */
  partialCapture: boolean;
  /**
   * The payer approves at the provider's page and comes back through the engine's own return link
   * (GET /return/<provider>), which only hints the workflow to ask the provider.
   */
  payerRedirect: boolean;
  /** An approval arrives as an authorization that the engine captures itself when capture_method is automatic. */
  captureOnApproval: boolean;
  /** The payer gets instructions (a reference to quote) and pays outside any provider API. */
  payerInstructions: boolean;
  /** Currencies taken, lowercase; null: whatever the provider accepts. */
  currencies: readonly string[] | null;
}

export interface ProviderCapabilities {
  name: string;
  /** How payers and admins know it ("You canceled the payment at PayPal."). */
  displayName: string;
  methods: Partial<Record<PaymentMethodType, MethodCapabilities>>;
  /**
   * provider: the provider's API moves the money and reports it (credentials needed, nothing for people to confirm).
   * merchant: money arrives outside any API (bank transfer, cash) and an admin marks it received.
   */
  settledBy: 'provider' | 'merchant';
  /** A failed payment may get a new attempt (POST /v1/payments/:id/retry, automatic retries). */
  retriesFailedPayments: boolean;
  refunds: {
    /** Less than what is left may be refunded, several times. */
    partial: boolean;
    /** The provider refuses refunds older than this (days); null: only the engine's own window applies. */
    providerWindowDays: number | null;
  };
  /** What provider sync can do: list by creation time, or only verify the engine's own objects one by one; null: nothing to sync. */
  sync: { listsPayments: boolean } | null;
  /** The method type a payment made outside the engine is recorded with when sync imports it. */
  importedMethodType: PaymentMethodType | null;
  /** The dispute can be fetched again (lost webhooks are caught by polling). */
  pollsDisputes: boolean;
}

export const PROVIDER_CAPABILITIES: Readonly<Record<string, ProviderCapabilities>> = {
  [STRIPE_CAPABILITIES.name]: STRIPE_CAPABILITIES,
  [PAYPAL_CAPABILITIES.name]: PAYPAL_CAPABILITIES,
  [OFFLINE_CAPABILITIES.name]: OFFLINE_CAPABILITIES,
};

export const PROVIDER_NAMES: readonly string[] = Object.keys(PROVIDER_CAPABILITIES);

/** The failure type of a call to a provider the engine has no adapter for (cash and bank transfers have none). */
export const UNKNOWN_PROVIDER_FAILURE = 'UnknownPaymentProvider';

export function capabilitiesOf(provider: string): ProviderCapabilities {
  const capabilities = PROVIDER_CAPABILITIES[provider];
  if (!capabilities) throw new Error(`Unknown payment provider: ${provider}`);
  return capabilities;
}

/** The method's capabilities at its provider; null when the provider doesn't take that method. */
export function methodCapabilities(provider: string, type: PaymentMethodType): MethodCapabilities | null {
  return capabilitiesOf(provider).methods[type] ?? null;
}

/** The payer leaves for the provider's page and returns through the engine (PayPal's approval). */
export function sendsPayerAway(payment: { provider: string; payment_method_type: PaymentMethodType }): boolean {
  return methodCapabilities(payment.provider, payment.payment_method_type)?.payerRedirect ?? false;
}

/** Providers whose payers come back through the engine's return and cancel links. */
export function providersWithPayerReturns(): string[] {
  return PROVIDER_NAMES.filter((name) => Object.values(capabilitiesOf(name).methods).some((method) => method?.payerRedirect));
}

/** Where the payer comes back to: the engine's own link for redirect methods, the merchant's (or the default) otherwise. */
export function payerReturnUrls(
  input: { publicUrl: string; provider: string; methodType: PaymentMethodType; paymentId: string; merchantReturnUrl: string },
): { returnUrl: string; cancelUrl: string } {
  const engineLink = (kind: 'return' | 'cancel', provider: string) => `${input.publicUrl}/${kind}/${provider}?payment_id=${input.paymentId}`;
  const redirects = methodCapabilities(input.provider, input.methodType)?.payerRedirect ?? false;
  // The cancel link only matters to redirect methods; the first provider with payer returns answers it otherwise,
  // as it always did (the workflow input carries one).
  const cancelProvider = redirects ? input.provider : (providersWithPayerReturns()[0] ?? input.provider);
  return {
    returnUrl: redirects ? engineLink('return', input.provider) : input.merchantReturnUrl,
    cancelUrl: engineLink('cancel', cancelProvider),
  };
}
