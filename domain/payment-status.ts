/** The payment lifecycle. Transitions only move forward; anything else is recorded and ignored. */
export const PAYMENT_STATUSES = [
  'pending',
  // Held by the risk rules for a person's decision, before any provider call (domain/risk.ts).
  'requires_review',
  'requires_action',
  'processing',
  'requires_capture',
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
  // A payer contests the payment; only the dispute workflow moves a payment in and out of it (domain/dispute.ts).
  'disputed',
] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Where the payment workflow ends; only refunds move a succeeded payment further. */
export const TERMINAL_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'canceled', 'partially_refunded', 'refunded', 'disputed'];

const ALLOWED_TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pending: ['requires_review', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  // Approved: on to the provider (or back to pending, for cash and bank transfers); blocked or expired: canceled.
  requires_review: ['pending', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  requires_action: ['processing', 'requires_capture', 'succeeded', 'failed', 'canceled'],
  processing: ['requires_capture', 'succeeded', 'failed', 'canceled'],
  requires_capture: ['processing', 'succeeded', 'failed', 'canceled'],
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  disputed: [],
  failed: [],
  canceled: [],
};

/**
 * The charge's lifecycle status: refunded, partially refunded and disputed are a succeeded charge with refunds or a
 * dispute on it. The payments table stores this; payment_records derives the rest from refunds and disputes.
 */
export function chargeStatus(status: PaymentStatus): PaymentStatus {
  return status === 'partially_refunded' || status === 'refunded' || status === 'disputed' ? 'succeeded' : status;
}

export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to);
}

/** The statuses a payment at `status` can be in later (itself included), leaving out those `except` names. */
export function statusesFrom(status: PaymentStatus, except: readonly PaymentStatus[] = []): PaymentStatus[] {
  const reached: PaymentStatus[] = [status];
  for (let i = 0; i < reached.length; i++) {
    for (const next of ALLOWED_TRANSITIONS[reached[i]]) if (!except.includes(next) && !reached.includes(next)) reached.push(next);
  }
  return reached;
}

export type TransitionVerdict =
  | { kind: 'apply' }
  | { kind: 'ignore'; reason: 'same_status' | 'backward' | 'after_final' };

/** Decides whether an observed provider status moves the payment or is only recorded. */
export function judgeTransition(from: PaymentStatus, to: PaymentStatus): TransitionVerdict {
  if (from === to) return { kind: 'ignore', reason: 'same_status' };
  // Providers report payments, not refunds: refund statuses come only from refund workflows.
  if (canTransition(from, to) && !isTerminal(from)) return { kind: 'apply' };
  return { kind: 'ignore', reason: isTerminal(from) ? 'after_final' : 'backward' };
}

export function canCapture(status: PaymentStatus): boolean {
  return status === 'requires_capture';
}

/** Stripe refuses to cancel a PaymentIntent that is processing or final; so do we. */
export function canCancel(status: PaymentStatus): boolean {
  return status === 'pending' || status === 'requires_review' || status === 'requires_action' || status === 'requires_capture';
}
