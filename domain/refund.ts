import type { DomainErrorKind } from './errors';
import type { PaymentStatus } from './payment-status';

export const REFUND_REASONS = ['requested_by_customer', 'duplicate', 'fraudulent', 'other'] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export const REFUND_STATUSES = [
  'pending_review',
  'approved',
  'processing',
  'requires_alternative_method',
  'awaiting_manual_transfer',
  'succeeded',
  'denied',
  'expired',
  // The provider refused for a reason the customer's card is not the cause of (already refunded, exceeds what
  // remains): nothing is paid another way; an admin reconciles with the provider.
  'failed',
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Statuses whose amount still counts against what the payment can refund. */
export const RESERVING_STATUSES: readonly RefundStatus[] = [
  'pending_review', 'approved', 'processing', 'requires_alternative_method', 'awaiting_manual_transfer',
];

export interface Refund {
  id: string;
  object: 'refund';
  payment_id: string;
  amount: number;
  currency: string;
  reason: RefundReason;
  details: string | null;
  status: RefundStatus;
  requested_at: string;
  requested_by: string;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  provider_refund_id: string | null;
  completed_at: string | null;
  failure_message: string | null;
  appeal_count: number;
  appeal_details: string | null;
  /** The full IBAN is shown to admins only: they send the transfer. */
  alternative_method: { type: 'bank_transfer'; iban: string; iban_last4: string; account_holder_name: string; reference: string | null } | null;
}

export interface RefundPolicyInput {
  payment: { status: PaymentStatus; amount_captured: number; amount_refunded: number; created_at: string };
  reservedByOthers: number;
  requestedAmount: number | null;
  now: number;
  windowDays: number;
}

export type RefundPolicyVerdict =
  | { ok: true; amount: number }
  | { ok: false; kind: DomainErrorKind; code: 'payment_not_refundable' | 'payment_disputed' | 'refund_window_expired' | 'amount_too_large'; message: string; param?: string };

/** What the payment can still refund: captured, less refunded, less what pending refunds reserve. */
export function refundableAmount(input: Pick<RefundPolicyInput, 'payment' | 'reservedByOthers'>): number {
  return Math.max(0, input.payment.amount_captured - input.payment.amount_refunded - input.reservedByOthers);
}

const DAY_MS = 24 * 3600 * 1000;

export function checkRefundPolicy(input: RefundPolicyInput): RefundPolicyVerdict {
  const { payment } = input;
  if (payment.status === 'disputed') {
    // The payer's bank is taking the money back through the dispute: a refund on top would pay them twice.
    return { ok: false, kind: 'state_conflict', code: 'payment_disputed', message: 'This payment is disputed: it cannot be refunded while the dispute is open, nor after it is lost. See GET /v1/disputes?payment_id=…' };
  }
  if (payment.status !== 'succeeded' && payment.status !== 'partially_refunded') {
    return { ok: false, kind: 'state_conflict', code: 'payment_not_refundable', message: `Only succeeded or partially refunded payments can be refunded; this one is ${payment.status}.` };
  }
  const ageMs = input.now - Date.parse(payment.created_at);
  if (ageMs > input.windowDays * DAY_MS) {
    return { ok: false, kind: 'policy_refused', code: 'refund_window_expired', message: `Refunds must be requested within ${input.windowDays} days of the payment.` };
  }
  const refundable = refundableAmount(input);
  const amount = input.requestedAmount ?? refundable;
  if (amount <= 0 || amount > refundable) {
    // What is refundable depends on the payment's state (captures, other refunds): a conflict, not a malformed request.
    return { ok: false, kind: 'state_conflict', code: 'amount_too_large', param: 'amount', message: `At most ${refundable} can be refunded now (captured, less refunded and pending refunds).` };
  }
  return { ok: true, amount };
}

/**
 * The provider still takes a refund of this payment back to its original method (PayPal: 180 days). Its limit counts
 * from the capture, which is never before the payment's creation: counting from creation errs towards a bank
 * transfer, never towards a refusal that leaves the refund to reconcile by hand.
 */
export function withinProviderRefundWindow(providerWindowDays: number | null, paymentCreatedAt: string, now: number): boolean {
  return providerWindowDays === null || now - Date.parse(paymentCreatedAt) <= providerWindowDays * DAY_MS;
}

export function paymentStatusAfterRefund(amountCaptured: number, amountRefunded: number): PaymentStatus {
  return amountRefunded >= amountCaptured ? 'refunded' : 'partially_refunded';
}

export interface AutoApprovalRule {
  maxAmount: number;
  withinHours: number;
}

/**
 * Off unless configured: small refunds requested soon after payment approve themselves. The cap is per payment:
 * `alreadyAutoApproved` (the other refunds of the payment this rule approved) counts against it, so many small
 * refunds can't return a whole payment without review.
 */
export function qualifiesForAutoApproval(rule: AutoApprovalRule | null, amount: number, paymentCreatedAt: string, now: number, alreadyAutoApproved = 0): boolean {
  if (!rule || rule.maxAmount <= 0) return false;
  return alreadyAutoApproved + amount <= rule.maxAmount && now - Date.parse(paymentCreatedAt) <= rule.withinHours * 3600 * 1000;
}

/** Refunds whose auto-approval no longer counts against the per-payment cap: the money never went back. */
export const RELEASED_REFUND_STATUSES: readonly RefundStatus[] = ['denied', 'expired', 'failed'];

/**
 * Provider failure reasons that mean the original card can't receive money: only these are paid back another way
 * (a bank transfer). Stripe's refund failure_reason values, and card errors a provider may answer with.
 */
const CARD_CANNOT_RECEIVE = new Set(['expired_or_canceled_card', 'lost_or_stolen_card', 'expired_card', 'lost_card', 'stolen_card', 'card_closed', 'account_closed']);

export type RefundFailureKind = 'card_cannot_receive' | 'reconcile';

/** Anything else (already refunded, exceeds what remains, disputed, unknown) is reconciled with the provider, never paid twice. */
export function classifyRefundFailure(failure: { failureReason?: string | null; refusalCode?: string | null }): RefundFailureKind {
  const code = failure.failureReason ?? failure.refusalCode ?? null;
  return code !== null && CARD_CANNOT_RECEIVE.has(code) ? 'card_cannot_receive' : 'reconcile';
}
