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
export const refundDecisionSignal = defineSignal<[RefundDecision]>('refundDecision');
export const refundAppealSignal = defineSignal<[RefundAppeal]>('refundAppeal');
export const alternativeMethodSignal = defineSignal<[AlternativeRefundMethod]>('alternativeMethod');
export const manualTransferSentSignal = defineSignal<[ManualTransferSent]>('manualTransferSent');
export const providerRefundSignal = defineSignal<[ProviderRefundSignal]>('providerRefundEvent');
export const refundQuery = defineQuery<Refund>('refund');
