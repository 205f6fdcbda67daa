import type { PaymentStatus } from './payment-status';
import type { DisputeStatus } from './dispute';
import type { PaymentFailure } from './failure';

/** What Durapay knows of a payment at the provider, in provider-neutral terms. */
export interface ProviderPaymentState {
  provider: string;
  providerPaymentId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amountCaptured: number;
  /** The provider's own status word, kept for the record. */
  providerStatus: string;
  clientSecret: string | null;
  nextAction: NextAction | null;
  failure: PaymentFailure | null;
  /** The engine's payment id when the provider echoes it (metadata), else null. */
  paymentId: string | null;
  /** The provider's metadata, when it has some: kept when sync imports a payment made outside the engine. */
  metadata?: Record<string, string>;
  description?: string | null;
  /** Seconds since the epoch at the provider. */
  createdAt?: number;
  /** The provider's fraud verdict when it gives one (Stripe Radar: normal, elevated, highest). */
  riskLevel?: string | null;
}

export interface NextAction {
  type: 'redirect_to_url';
  redirect_to_url: { url: string; return_url: string | null };
}

export type ProviderRefundStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

/** A refund at the provider, in provider-neutral terms. */
export interface ProviderRefundState {
  provider: string;
  providerRefundId: string;
  status: ProviderRefundStatus;
  amount: number;
  /** The engine's refund id when the provider echoes it (metadata), else null. */
  refundId: string | null;
  failureReason: string | null;
  /** The refunded payment at the provider, when known (sync matches refunds made outside the engine by it). */
  providerPaymentId?: string | null;
  currency?: string;
}

/** A page of a provider's payments, for sync: oldest cursor first, times in seconds since the epoch. */
export interface ProviderPaymentPage {
  items: ProviderPaymentState[];
  /** Pass back to get the next page; null when there is none. */
  nextCursor: string | null;
}

/** A page of a provider's refunds, for sync. */
export interface ProviderRefundPage {
  items: ProviderRefundState[];
  nextCursor: string | null;
}

export interface CreateRefundRequest {
  refundId: string;
  providerPaymentId: string;
  amount: number;
  reason: string;
  /** Derived from the refund id, never random. */
  idempotencyKey: string;
}

/** A verified webhook, translated: which payment it concerns and what it says. */
export interface ProviderEvent {
  provider: string;
  eventId: string;
  type: string;
  /** Seconds since the epoch at the provider, for ordering diagnostics. */
  createdAt: number;
  providerPaymentId: string | null;
  paymentId: string | null;
  /** Present when the event carries a payment state. */
  state: ProviderPaymentState | null;
  /** Present when the event carries a refund. */
  refund: ProviderRefundState | null;
  /** Present when the event is about a dispute. Absent in events stored before disputes existed. */
  dispute?: ProviderDisputeState | null;
  /** The provider's id for this delivery (PayPal's transmission id), when it signs one: a delivery is accepted once. */
  deliveryId?: string;
}

/** A dispute (chargeback) at the provider, in provider-neutral terms; adapters translate their own shapes to it. */
export interface ProviderDisputeState {
  provider: string;
  providerDisputeId: string;
  /** The disputed payment as the engine stores it (Stripe PaymentIntent, PayPal order), when known. */
  providerPaymentId: string | null;
  /** The engine's payment id when the provider echoes it, else null (found by providerPaymentId). */
  paymentId: string | null;
  amount: number;
  currency: string;
  /** Stripe's reason words (fraudulent, product_not_received, duplicate, …); other providers' reasons map onto them. */
  reason: string;
  status: DisputeStatus;
  /** The provider's own status word, kept for the record. */
  providerStatus: string;
  /** Seconds since the epoch; null when the provider gave none. */
  evidenceDueBy: number | null;
  /** Where an admin answers the dispute (dashboard, or the local sandbox), when known. */
  providerUrl: string | null;
}

export type ProviderMethodType = 'card' | 'sepa_debit' | 'paypal';

export interface CreatePaymentRequest {
  paymentId: string;
  /** Which kind of method pays; adapters pick the provider's own parameters from it. */
  paymentMethodType: ProviderMethodType;
  /** The provider's customer the saved method is attached to (Stripe cus_...), when paying with a saved method. */
  providerCustomerId: string | null;
  /** The SEPA mandate of a saved sepa_debit method. */
  mandateId: string | null;
  amount: number;
  currency: string;
  captureMethod: 'automatic' | 'manual';
  paymentMethod: string;
  customerId: string | null;
  description: string | null;
  metadata: Record<string, string>;
  returnUrl: string;
  /** Where a payer who abandons a redirect flow (PayPal) lands. */
  cancelUrl: string;
  /** Derived from the payment id, never random, so a retried call can't charge twice. */
  idempotencyKey: string;
}
