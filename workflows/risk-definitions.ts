import { defineUpdate } from '@temporalio/workflow';
import type { Payment } from '../domain/payment';
import type { PauseScope, ReviewDecision, RiskSettings } from '../domain/risk';

/** Shared by the API and the payment workflow: how risk review reaches a payment. */

export interface PaymentRiskInput {
  settings: RiskSettings;
  /** The payer's IP as the merchant saw it, for the IP block list. */
  payerIp: string | null;
}

export interface ReviewRequest {
  decision: ReviewDecision;
  actor: string;
  reason: string | null;
}

/** An admin approves or blocks a payment held for review; validated against the payment's state first. */
export const reviewUpdate = defineUpdate<Payment, [ReviewRequest]>('review');

export interface PauseProcessingInput {
  pauseId: string;
  scope: PauseScope;
  reason: string;
  actor: string;
}
