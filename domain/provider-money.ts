import type { Payment } from './payment';
import type { PaymentStatus } from './payment-status';
import type { ProviderPaymentState } from './provider-types';

/**
 * Where the engine's record and the provider's money disagree: the provider holds money on a payment the engine
 * calls failed or canceled, or on an attempt that is not the payment's current one (two charges for one payment).
 * Pure: the workflow, the late-event workflow and sync all judge the same way and raise the same alert.
 */

export type MoneyMismatchReason = 'final_payment_charged' | 'other_attempt_charged';

/** Money taken or held at the provider: captured, or authorized and capturable. */
export function providerHoldsMoney(state: Pick<ProviderPaymentState, 'status' | 'amountCaptured'>): boolean {
  return state.status === 'succeeded' || state.status === 'requires_capture' || state.amountCaptured > 0;
}

export function judgeProviderMoney(
  local: { status: PaymentStatus; provider_payment_id: string | null },
  state: Pick<ProviderPaymentState, 'status' | 'amountCaptured' | 'providerPaymentId'>,
): MoneyMismatchReason | null {
  if (!providerHoldsMoney(state)) return null;
  if (local.provider_payment_id && local.provider_payment_id !== state.providerPaymentId) return 'other_attempt_charged';
  if (local.status === 'failed' || local.status === 'canceled') return 'final_payment_charged';
  return null;
}

export interface MoneyMismatchAlert {
  dedupeKey: string;
  kind: 'provider_money_mismatch';
  severity: 'critical';
  message: string;
  data: Record<string, unknown>;
}

/** One alert per orphaned provider payment, whoever notices it first; says what an admin needs to refund it. */
export function moneyMismatchAlert(
  payment: Pick<Payment, 'id' | 'status' | 'provider' | 'provider_payment_id' | 'amount' | 'currency'>,
  state: ProviderPaymentState,
  reason: MoneyMismatchReason,
  noticedBy: 'workflow' | 'sync' | 'retry',
): MoneyMismatchAlert {
  const what = reason === 'final_payment_charged' ? `the engine holds it ${payment.status}` : `it is not the payment's current attempt (${payment.provider_payment_id ?? 'none'})`;
  return {
    dedupeKey: `provider_money_mismatch:${state.provider}:${state.providerPaymentId}`,
    kind: 'provider_money_mismatch',
    severity: 'critical',
    message: `${state.provider} holds ${state.amountCaptured || state.amount} ${state.currency.toUpperCase()} on ${state.providerPaymentId} for payment ${payment.id}, but ${what}: refund or cancel it at ${state.provider}`,
    data: {
      payment_id: payment.id, reason, noticed_by: noticedBy, engine_status: payment.status,
      engine_provider_payment_id: payment.provider_payment_id, engine_amount: payment.amount, currency: payment.currency,
      provider: state.provider, provider_payment_id: state.providerPaymentId, provider_status: state.providerStatus,
      provider_amount: state.amount, provider_amount_captured: state.amountCaptured, provider_currency: state.currency,
    },
  };
}

/** The idempotency key that cancels one attempt's provider payment: the same on failure and before a retry. */
export function providerVoidKey(paymentId: string, attempt: number): string {
  return `${paymentId}:void:attempt-${attempt}`;
}

/** A declined Stripe create without a PaymentIntent gets a placeholder id: nothing to cancel there. */
export function isCancelableProviderId(providerPaymentId: string | null): providerPaymentId is string {
  return providerPaymentId !== null && !providerPaymentId.startsWith('unknown:');
}

/**
 * Checks the provider's own object against what the engine asked for, before money is counted: the same provider
 * payment or refund, the same amount, the same currency. Null when it matches; otherwise what differs.
 */
export function providerObjectProblem(
  expected: { id: string | null; amount: number; currency: string },
  actual: { id: string; amount: number; currency?: string | null },
): { field: 'id' | 'amount' | 'currency'; expected: string | number; actual: string | number } | null {
  if (expected.id !== null && expected.id !== actual.id) return { field: 'id', expected: expected.id, actual: actual.id };
  if (expected.amount !== actual.amount) return { field: 'amount', expected: expected.amount, actual: actual.amount };
  if (actual.currency && expected.currency.toLowerCase() !== actual.currency.toLowerCase()) return { field: 'currency', expected: expected.currency, actual: actual.currency };
  return null;
}

/** Statuses a hint may only move a payment into after the provider's object has been read and checked. */
export const VERIFIED_PAYMENT_STATUSES = ['succeeded', 'requires_capture'] as const;
