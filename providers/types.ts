import type { CreatePaymentRequest, CreateRefundRequest, ProviderDisputeState, ProviderEvent, ProviderPaymentPage, ProviderPaymentState, ProviderRefundPage, ProviderRefundState } from '../domain/provider-types';

/** Raised when a webhook's signature or shape can't be trusted; the API answers 400. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Raised for a request the provider refused as invalid (not a decline): never worth retrying. */
export class ProviderRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly param: string | null,
  ) {
    super(message);
    this.name = 'ProviderRequestError';
  }
}

/** The provider is rate-limiting us (HTTP 429): retry after its delay, never sooner. Adapters translate to this. */
export class ProviderRateLimitError extends Error {
  constructor(
    message: string,
    /** The provider's Retry-After, in seconds; null when it gave none. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(message);
    this.name = 'ProviderRateLimitError';
  }
}

/** What Durapay keeps of a saved method: provider tokens and display details, never card or account numbers. */
export interface SavedMethodDetails {
  providerMethodId: string;
  type: 'card' | 'sepa_debit';
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
  mandateId: string | null;
  bankCode: string | null;
  country: string | null;
}

/** Saving methods for one-click payments; providers without a vault leave it undefined. */
export interface PaymentMethodVault {
  /** The provider's customer for a Durapay customer, created once (idempotency key from the customer id). */
  ensureCustomer(input: { customerId: string; email: string | null; name: string | null }): Promise<string>;
  /** Attaches a card token (pm_card_visa, pm_...) to the provider customer. */
  saveCard(input: { token: string; providerCustomerId: string; idempotencyKey: string }): Promise<SavedMethodDetails>;
  /** Creates a SEPA Direct Debit method with its mandate, attached to the provider customer. */
  saveSepaDebit(input: {
    iban: string;
    accountHolderName: string;
    email: string | null;
    providerCustomerId: string;
    idempotencyKey: string;
    mandateAcceptedAt: string;
  }): Promise<SavedMethodDetails>;
  /** Idempotent: detaching an already detached method succeeds. */
  detach(providerMethodId: string): Promise<void>;
  /** Customer erasure: the provider's customer (and what it holds: email, name, methods) is deleted; idempotent. */
  deleteCustomer(providerCustomerId: string): Promise<void>;
}

export interface ProviderLink {
  href: string;
  label: string;
  note?: string;
}

/** One interface for every payment provider; adapters live one folder per provider. */
export interface PaymentProvider {
  readonly name: string;
  /** 'sandbox' when talking to a local emulator or test keys, 'live' otherwise. */
  readonly mode: 'live' | 'sandbox';
  /** The emulator's address in sandbox mode, for GET /v1/admin/providers. */
  readonly baseUrl: string | null;
  readonly vault?: PaymentMethodVault;
  /**
   * True when the provider can list its payments and refunds by creation time (Stripe). False when it has no search
   * (PayPal): sync then verifies the engine's own non-final payments and refunds one by one instead.
   */
  readonly listsPayments: boolean;
  isConfigured(): boolean;
  /** Recognizes the provider's own payment id formats. */
  ownsId(providerPaymentId: string): boolean;
  /** Creates and confirms a payment. Declines come back as a failed state, not as an exception. */
  createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState>;
  getPayment(providerPaymentId: string): Promise<ProviderPaymentState>;
  capture(providerPaymentId: string, options: { amount?: number; idempotencyKey: string }): Promise<ProviderPaymentState>;
  cancel(providerPaymentId: string, options: { idempotencyKey: string }): Promise<ProviderPaymentState>;
  refund(request: CreateRefundRequest): Promise<ProviderRefundState>;
  getRefund(providerRefundId: string): Promise<ProviderRefundState>;
  /** The provider's payments created in [from, to) (seconds), a page at a time; used by provider sync. */
  listPayments(range: { from: number; to: number }, cursor: string | null): Promise<ProviderPaymentPage>;
  /** The provider's refunds created in [from, to) (seconds), a page at a time; used by provider sync. */
  listRefunds(range: { from: number; to: number }, cursor: string | null): Promise<ProviderRefundPage>;
  /** The dispute as the provider sees it now; dispute workflows poll it so a lost webhook can't leave one open. Optional: without it they wait for webhooks. */
  getDispute?(providerDisputeId: string): Promise<ProviderDisputeState>;
  /** Where an admin looks at the payment at the provider (the dashboard, or the local sandbox's record of it). */
  paymentLink?(providerPaymentId: string): ProviderLink;
  /** The provider's stable fingerprint of a card method (for block lists); undefined where the provider has none. */
  cardFingerprint?(paymentMethod: string): Promise<string | null>;
  /**
   * Verifies and translates a webhook; throws (or rejects with) WebhookVerificationError when it can't be trusted.
   * May be async: PayPal's signature check downloads the signing certificate. Callers await it.
   */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent | Promise<ProviderEvent>;
}
