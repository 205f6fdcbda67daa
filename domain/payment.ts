import type { PaymentDisputeReference } from './dispute';
import type { PaymentStatus } from './payment-status';
import type { NextAction, ProviderPaymentState } from './provider-types';

export type CaptureMethod = 'automatic' | 'manual';
export type EventSource = 'api' | 'webhook' | 'sync' | 'workflow';

/** A payment as the API shows it and the database stores it. Times are ISO 8601 UTC. */
export interface Payment {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  amount: number;
  currency: string;
  capture_method: CaptureMethod;
  amount_captured: number;
  amount_refunded: number;
  provider: string;
  provider_payment_id: string | null;
  payment_method: string | null;
  payment_method_type: 'card' | 'sepa_debit' | 'paypal' | 'cash' | 'bank_transfer';
  /** The vault method (dpm_...) the payment used, if any. */
  saved_payment_method_id: string | null;
  /** Bank-transfer instructions for the payer; null for other methods. */
  instructions: BankTransferInstructions | null;
  client_secret: string | null;
  next_action: NextAction | null;
  failure_code: string | null;
  failure_message: string | null;
  failure_details: { provider_code: string | null; provider_decline_code: string | null; provider_message: string | null } | null;
  customer_id: string | null;
  receipt_email: string | null;
  description: string | null;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
  /** Which attempt the payment is on (1 unless retried). Absent in payments recorded before retries existed. */
  attempt_count?: number;
  /** The failed attempts before the current one, oldest first. */
  previous_attempts?: PaymentAttempt[];
  /** When an automatic retry of this failed payment is due; null when none is scheduled. */
  next_retry_at?: string | null;
  /**
   * The payment's dispute, if a payer contested it. Derived when read (payment_records) from the disputes row the
   * dispute workflow applied; the payment workflow's saves never write it, so the two never overwrite each other.
   */
  dispute?: PaymentDisputeReference | null;
}

/** One failed attempt of a retried payment, as it ended. */
export interface PaymentAttempt {
  attempt: number;
  payment_method: string | null;
  payment_method_type: Payment['payment_method_type'];
  provider_payment_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  failed_at: string;
}

export interface BankTransferInstructions {
  type: 'bank_transfer' | 'cash';
  iban: string | null;
  bic: string | null;
  beneficiary: string | null;
  /** Belgian structured communication the payer quotes, so the transfer matches this payment. */
  reference: string;
  expires_at: string;
}

/** One line of a payment's history. */
export interface PaymentEvent {
  dedupe_key: string;
  payment_id: string;
  type: string;
  from_status: PaymentStatus | null;
  to_status: PaymentStatus | null;
  source: EventSource;
  actor: string;
  data: Record<string, unknown>;
  occurred_at: string;
}

/**
 * A failed or canceled payment is final: its client_secret is never handed out again, so no browser can confirm its
 * intent later (the intent is canceled at the provider too).
 */
export function hidesClientSecret(status: PaymentStatus): boolean {
  return status === 'failed' || status === 'canceled';
}

/** Folds what the provider reports into the payment; the caller has already judged the status change. */
export function mergeProviderState(payment: Payment, state: ProviderPaymentState, now: string): Payment {
  const failure = state.status === 'failed' ? state.failure : null;
  return {
    ...payment,
    status: state.status,
    provider_payment_id: state.providerPaymentId,
    client_secret: hidesClientSecret(state.status) ? null : (state.clientSecret ?? payment.client_secret),
    next_action: state.status === 'requires_action' ? state.nextAction : null,
    amount_captured: Math.max(payment.amount_captured, state.amountCaptured),
    failure_code: failure?.failure_code ?? null,
    failure_message: failure?.failure_message ?? null,
    failure_details: failure
      ? {
          provider_code: failure.provider_code,
          provider_decline_code: failure.provider_decline_code,
          provider_message: failure.provider_message,
        }
      : null,
    updated_at: now,
  };
}
