import type { PaymentStatus } from './payment-status';
import { paymentStatusAfterRefund } from './refund';

/**
 * Disputes (chargebacks): a payer contests a payment through their bank or the provider. Pure rules, shared by the
 * dispute workflow, its activities and the API.
 */

export const DISPUTE_STATUSES = ['needs_response', 'under_review', 'won', 'lost'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export const FINAL_DISPUTE_STATUSES: readonly DisputeStatus[] = ['won', 'lost'];

/** A dispute as the API shows it and the disputes table stores it. Times are ISO 8601 UTC. */
export interface Dispute {
  id: string;
  object: 'dispute';
  /** The engine's payment, when the disputed provider payment is one it knows. */
  payment_id: string | null;
  provider: string;
  provider_dispute_id: string;
  provider_payment_id: string | null;
  amount: number;
  currency: string;
  reason: string;
  status: DisputeStatus;
  /** When the provider wants evidence by; null once it no longer does or when it never said. */
  evidence_due_by: string | null;
  /** The disputed amount, once the dispute is lost; 0 otherwise. */
  amount_lost: number;
  /** Where an admin answers the dispute at the provider (its dashboard, or the local sandbox). */
  provider_url: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

/** What a payment shows of its dispute. */
export interface PaymentDisputeReference {
  id: string;
  status: DisputeStatus;
  amount: number;
  amount_lost: number;
}

export function isFinalDispute(status: DisputeStatus): boolean {
  return FINAL_DISPUTE_STATUSES.includes(status);
}

/** The workflow that handles one provider dispute; signal-with-start on it makes duplicates and reorderings meet. */
export function disputeWorkflowId(provider: string, providerDisputeId: string): string {
  return `dispute-${provider}-${providerDisputeId}`;
}

/** FNV-1a, 64 bits: deterministic and dependency-free, so workflows and activities derive the same id. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The engine's id for a provider's dispute: the same dispute always gets the same id. */
export function disputeIdFor(provider: string, providerDisputeId: string): string {
  return `dsp_${fnv1a64(`${provider}:${providerDisputeId}`)}`;
}

export type DisputeVerdict = { kind: 'apply' } | { kind: 'ignore'; reason: 'same_status' | 'backward' | 'after_final' };

const RANK: Record<DisputeStatus, number> = { needs_response: 0, under_review: 1, won: 2, lost: 2 };

/**
 * Disputes only move forward: needs_response → under_review → won | lost. A late or reordered event (created after
 * closed, a duplicate) is recorded and ignored; a closed dispute never reopens and never changes outcome.
 */
export function judgeDisputeUpdate(current: DisputeStatus, incoming: DisputeStatus): DisputeVerdict {
  if (current === incoming) return { kind: 'ignore', reason: 'same_status' };
  if (isFinalDispute(current)) return { kind: 'ignore', reason: 'after_final' };
  return RANK[incoming] >= RANK[current] ? { kind: 'apply' } : { kind: 'ignore', reason: 'backward' };
}

/** Only money that was taken can be disputed; until the payment workflow has finished, the payment is its own. */
export const DISPUTABLE_PAYMENT_STATUSES: readonly PaymentStatus[] = ['succeeded', 'partially_refunded', 'refunded'];

export interface PaymentDisputeView {
  status: PaymentStatus;
  amount_captured: number;
  amount_refunded: number;
  dispute_id: string | null;
  dispute_status: DisputeStatus | null;
}

export type PaymentDisputeChange =
  /** Nothing to write: the payment already shows this dispute as it is. */
  | { kind: 'unchanged' }
  /** The payment is not final yet (its workflow still owns it): try again later. */
  | { kind: 'wait' }
  | { kind: 'update'; status: PaymentStatus; disputeStatus: DisputeStatus; statusBefore: PaymentStatus };

/**
 * What a payment becomes given its dispute. Open or lost: `disputed` (a lost dispute's money is gone, so nothing can be
 * refunded any more). Won: the status it had before, recomputed from the amounts in case a refund completed meanwhile.
 * `statusBefore` is what the payment was when first disputed, or its current status if this is the first time.
 */
export function paymentUnderDispute(payment: PaymentDisputeView, dispute: { id: string; status: DisputeStatus; statusBefore: PaymentStatus | null }): PaymentDisputeChange {
  const marked = payment.dispute_id === dispute.id;
  if (marked && payment.dispute_status === dispute.status) return { kind: 'unchanged' };
  const alreadyDisputed = payment.status === 'disputed';
  if (!marked && !alreadyDisputed && !DISPUTABLE_PAYMENT_STATUSES.includes(payment.status)) return { kind: 'wait' };
  const statusBefore = dispute.statusBefore ?? (alreadyDisputed ? 'succeeded' : payment.status);
  if (dispute.status !== 'won') return { kind: 'update', status: 'disputed', disputeStatus: dispute.status, statusBefore };
  // Won: back to where it was. A won dispute the payment never showed (closed before we heard it opened) changes no status.
  const restored = payment.status !== 'disputed' ? payment.status : statusAfterWonDispute(statusBefore, payment.amount_captured, payment.amount_refunded);
  return { kind: 'update', status: restored, disputeStatus: 'won', statusBefore };
}

/** The payment's status once a dispute is won: as before, unless refunds completed while it was disputed. */
export function statusAfterWonDispute(statusBefore: PaymentStatus, amountCaptured: number, amountRefunded: number): PaymentStatus {
  if (amountRefunded > 0 && amountCaptured > 0) return paymentStatusAfterRefund(amountCaptured, amountRefunded);
  return statusBefore;
}

/** How much a dispute in this status has cost: all of its amount once lost. */
export function amountLost(status: DisputeStatus, amount: number): number {
  return status === 'lost' ? amount : 0;
}

/**
 * When to remind admins that evidence is due: `hoursBefore` the due date. Null when there is no due date, or when that
 * moment had already passed when the dispute was first seen: the opening email, which states the due date, is the
 * reminder then (two emails within seconds would only be noise).
 */
export function evidenceReminderAt(evidenceDueBy: string | null, hoursBefore: number, firstSeenAt: number): number | null {
  if (!evidenceDueBy) return null;
  const remindAt = Date.parse(evidenceDueBy) - hoursBefore * 3600 * 1000;
  if (Number.isNaN(remindAt) || remindAt <= firstSeenAt) return null;
  return remindAt;
}

/** Only a dispute still waiting for the merchant's evidence is worth a reminder. */
export function needsEvidenceReminder(status: DisputeStatus): boolean {
  return status === 'needs_response';
}

const isoOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());

/** A disputes row (as PostgreSQL returns it) in the API's shape. */
export function disputeFromRow(row: Record<string, unknown>): Dispute {
  return {
    id: row.id as string,
    object: 'dispute',
    payment_id: (row.payment_id as string | null) ?? null,
    provider: row.provider as string,
    provider_dispute_id: row.provider_dispute_id as string,
    provider_payment_id: (row.provider_payment_id as string | null) ?? null,
    amount: Number(row.amount),
    currency: row.currency as string,
    reason: row.reason as string,
    status: row.status as DisputeStatus,
    evidence_due_by: isoOrNull(row.evidence_due_by),
    amount_lost: Number(row.amount_lost ?? 0),
    provider_url: (row.provider_url as string | null) ?? null,
    created_at: isoOrNull(row.created_at) ?? '',
    updated_at: isoOrNull(row.updated_at) ?? '',
    closed_at: isoOrNull(row.closed_at),
  };
}
