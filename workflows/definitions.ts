import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EventSource, Payment } from '../domain/payment';
import type { AutomaticRetryPolicy } from '../domain/payment-retry';
import type { ProviderEvent } from '../domain/provider-types';
import type { PaymentRiskInput } from './risk-definitions';

/** Shared by the API and the workflows: the messages a payment workflow understands. */

export interface PaymentTiming {
  /** First wait for a webhook before asking the provider; doubles up to pollMaxSeconds. */
  pollInitialSeconds: number;
  pollMaxSeconds: number;
  /**
   * First poll while the payer must act (3-D Secure, an approval page): the payer takes minutes, and the provider's
   * webhook, the payer's return and the sync Schedule say when they are done. Absent (older runs, tests): pollInitialSeconds.
   */
  payerWaitPollSeconds?: number;
  /** A manual-capture payment not captured by then is canceled. */
  authorizationExpirySeconds: number;
  /** How long a PayPal payer has to approve before the payment fails as payer_abandoned; absent: 3 hours. */
  payerApprovalSeconds?: number;
  /** Soft declines are retried on this schedule; absent or null: never automatically (and in older histories). */
  automaticRetries?: AutomaticRetryPolicy | null;
}

export interface TakePaymentInput {
  payment: Payment;
  actor: string;
  returnUrl: string;
  timing: PaymentTiming;
  /** Absent in histories recorded before other methods than cards existed. */
  method?: { providerCustomerId: string | null; mandateId: string | null };
  cancelUrl?: string;
  /** Unpaid cash and bank-transfer payments are canceled after this. */
  offlineExpirySeconds?: number;
  /**
   * Set when a run starts to retry a failed payment whose earlier run has closed: the payment is the stored one and
   * the run waits for the retry request that started it. The recorder continues from the stored version.
   */
  resume?: { stateVersion: number };
  /** Risk rules and the payer's IP; absent in histories recorded before risk review existed. */
  risk?: PaymentRiskInput;
}

/** A new attempt of a failed payment: by an API request, or by the workflow's own schedule. */
export interface RetryRequest {
  actor: string;
  /** The update id (derived from the Idempotency-Key); null for automatic retries. */
  requestId: string | null;
  trigger: 'manual' | 'automatic';
  paymentMethod: string | null;
  paymentMethodType: Payment['payment_method_type'];
  savedPaymentMethodId: string | null;
  method: { providerCustomerId: string | null; mandateId: string | null };
  returnUrl: string;
}

/** The payer came back from a redirect (PayPal): approved, or canceled at the provider. */
export interface PayerReturn {
  outcome: 'approved' | 'canceled';
}

export interface MarkReceivedRequest {
  actor: string;
  receivedAmount?: number;
  reference?: string;
}

export interface ProviderEventSignal {
  event: ProviderEvent;
  /** Row id in webhook_events, marked processed once the workflow has applied or recorded it. */
  webhookEventId: number | null;
  source: Extract<EventSource, 'webhook' | 'sync'>;
}

export interface CaptureRequest {
  amountToCapture?: number;
  actor: string;
}

export interface CancelRequest {
  actor: string;
  reason?: string;
}

export const providerEventSignal = defineSignal<[ProviderEventSignal]>('providerEvent');
/** Update-with-start waits on this: it returns once the provider's first answer is known. */
export const providerStateKnownUpdate = defineUpdate<Payment>('providerStateKnown');
export const captureUpdate = defineUpdate<Payment, [CaptureRequest]>('capture');
export const cancelUpdate = defineUpdate<Payment, [CancelRequest]>('cancel');
export const markReceivedUpdate = defineUpdate<Payment, [MarkReceivedRequest]>('markReceived');
/** Starts a new attempt of a failed payment; answers like creation, once the provider has answered the attempt. */
export const retryUpdate = defineUpdate<Payment, [RetryRequest]>('retry');
export const payerReturnSignal = defineSignal<[PayerReturn]>('payerReturn');
export const paymentQuery = defineQuery<Payment>('payment');
