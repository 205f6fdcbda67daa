import type { CreatePaymentRequest, CreateRefundRequest, ProviderEvent, ProviderPaymentState, ProviderRefundState } from '../domain/provider-types';

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

/** One interface for every payment provider; adapters live one folder per provider. */
export interface PaymentProvider {
  readonly name: string;
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
  /** Verifies and translates a webhook; throws WebhookVerificationError when it can't be trusted. */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent;
}
