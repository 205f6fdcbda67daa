import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ProviderEvent } from '../domain/provider-types';
import type { AutoApprovalRule, Refund } from '../domain/refund';

/** Shared by the API and the refund workflow: the messages a refund workflow understands. */

export interface RefundTiming {
  reviewReminderSeconds: number;
  reviewExpirySeconds: number;
  appealWindowSeconds: number;
  pollInitialSeconds: number;
  pollMaxSeconds: number;
  /** How long a refund waits for the customer's bank details or the admin's transfer. */
  alternativeMethodWaitSeconds: number;
}

export interface RefundPaymentInput {
  refund: Refund;
  /** Null: refund what remains refundable. */
  requestedAmount: number | null;
  windowDays: number;
  timing: RefundTiming;
  autoApproval: AutoApprovalRule | null;
  adminEmails: string[];
}

export interface RefundDecision {
  decision: 'approve' | 'deny';
  actor: string;
  reason: string | null;
}

export interface RefundAppeal {
  actor: string;
  details: string;
}

export interface AlternativeRefundMethod {
  actor: string;
  iban: string;
  accountHolderName: string;
}

export interface ManualTransferSent {
  actor: string;
  reference: string | null;
}

export interface ProviderRefundSignal {
  event: ProviderEvent;
  webhookEventId: number | null;
}

export const refundRequestedUpdate = defineUpdate<Refund>('refundRequested');

/**
 * The API takes each step by Update: its validator refuses what the refund isn't waiting for, and the answer is the
 * refund once the workflow has recorded the step. Operators may send the same steps as signals (Temporal UI, CLI):
 * the same rules apply (domain/refund-steps.ts), and a signal that breaks one is recorded and ignored.
 */
export const decideRefundUpdate = defineUpdate<Refund, [RefundDecision]>('decideRefund');
export const appealRefundUpdate = defineUpdate<Refund, [RefundAppeal]>('appealRefund');
export const setAlternativeMethodUpdate = defineUpdate<Refund, [AlternativeRefundMethod]>('setAlternativeMethod');
export const markTransferSentUpdate = defineUpdate<Refund, [ManualTransferSent]>('markTransferSent');

export const refundDecisionSignal = defineSignal<[RefundDecision]>('refundDecision');
export const refundAppealSignal = defineSignal<[RefundAppeal]>('refundAppeal');
export const alternativeMethodSignal = defineSignal<[AlternativeRefundMethod]>('alternativeMethod');
export const manualTransferSentSignal = defineSignal<[ManualTransferSent]>('manualTransferSent');
export const providerRefundSignal = defineSignal<[ProviderRefundSignal]>('providerRefundEvent');
export const refundQuery = defineQuery<Refund>('refund');
