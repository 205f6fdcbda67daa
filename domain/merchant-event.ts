import type { DisputeStatus } from './dispute';
import type { PaymentStatus } from './payment-status';
import type { RefundStatus } from './refund';

/** What a merchant can subscribe to: one event per change a merchant's backend acts on. */
export const EVENT_TYPES = [
  'payment.created',
  'payment.requires_review',
  'payment.requires_action',
  'payment.requires_capture',
  'payment.processing',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'refund.pending_review',
  'refund.approved',
  'refund.denied',
  'refund.succeeded',
  'refund.failed',
  'refund.expired',
  'dispute.opened',
  'dispute.won',
  'dispute.lost',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The payment statuses that are news to a merchant; pending (a new attempt starting) and the refund/dispute ones are told by their own events. */
const PAYMENT_STATUS_EVENTS: Partial<Record<PaymentStatus, EventType>> = {
  requires_review: 'payment.requires_review',
  requires_action: 'payment.requires_action',
  requires_capture: 'payment.requires_capture',
  processing: 'payment.processing',
  succeeded: 'payment.succeeded',
  failed: 'payment.failed',
  canceled: 'payment.canceled',
};

/** A refund the provider could not pay back is `requires_alternative_method`: to the merchant, refund.failed. */
const REFUND_STATUS_EVENTS: Partial<Record<RefundStatus, EventType>> = {
  pending_review: 'refund.pending_review',
  approved: 'refund.approved',
  denied: 'refund.denied',
  succeeded: 'refund.succeeded',
  requires_alternative_method: 'refund.failed',
  expired: 'refund.expired',
};

export interface MerchantEventKey {
  type: EventType;
  /** Unique per change: a retried recorder, or the same status seen again, records nothing new. */
  dedupeKey: string;
}

/** Events for a payment's current state: created once, then one per status per attempt (a retried payment fails or succeeds again). */
export function paymentEventKeys(payment: { id: string; status: PaymentStatus; attempt_count?: number }): MerchantEventKey[] {
  const keys: MerchantEventKey[] = [{ type: 'payment.created', dedupeKey: `${payment.id}:payment.created` }];
  const type = PAYMENT_STATUS_EVENTS[payment.status];
  if (type) keys.push({ type, dedupeKey: `${payment.id}:${type}:attempt-${payment.attempt_count ?? 1}` });
  return keys;
}

/** Events for a refund's current state; an appeal reopens review, so its count tells the second review from the first. */
export function refundEventKeys(refund: { id: string; status: RefundStatus; appeal_count: number }): MerchantEventKey[] {
  const type = REFUND_STATUS_EVENTS[refund.status];
  return type ? [{ type, dedupeKey: `${refund.id}:${type}:appeal-${refund.appeal_count}` }] : [];
}

/** opened for any dispute on record (even one first seen closed), then its outcome. */
export function disputeEventKeys(dispute: { id: string; status: DisputeStatus }): MerchantEventKey[] {
  const keys: MerchantEventKey[] = [{ type: 'dispute.opened', dedupeKey: `${dispute.id}:dispute.opened` }];
  if (dispute.status === 'won' || dispute.status === 'lost') keys.push({ type: `dispute.${dispute.status}`, dedupeKey: `${dispute.id}:dispute.${dispute.status}` });
  return keys;
}

export function endpointWantsEvent(enabledEvents: readonly string[], type: string): boolean {
  return enabledEvents.includes('*') || enabledEvents.includes(type);
}

/**
 * Stripe-like backoff over three days (72 h in all, 11 attempts): a delivery is tried at once, then after each delay.
 * WEBHOOK_RETRY_SCHEDULE overrides it (tests use seconds).
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5m,55m,2h,5h,10h,10h,10h,10h,12h,12h';
