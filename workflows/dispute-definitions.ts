import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Dispute } from '../domain/dispute';
import type { ProviderEvent } from '../domain/provider-types';

/** Shared by the API (webhook dispatch) and the dispute workflow. */

export interface DisputeTiming {
  /** Admins are reminded this long before evidence is due (fractions allowed). */
  reminderHoursBeforeDue: number;
  /** Without news, the workflow asks the provider after this long, doubling up to pollMaxSeconds. */
  pollInitialSeconds: number;
  pollMaxSeconds: number;
}

export interface HandleDisputeInput {
  provider: string;
  providerDisputeId: string;
  timing: DisputeTiming;
  adminEmails: string[];
  /** The API's public address, for the links in admin emails. */
  publicUrl: string;
}

export interface DisputeEventSignal {
  event: ProviderEvent;
  /** Row id in webhook_events, marked processed once recorded. */
  webhookEventId: number | null;
}

export const disputeEventSignal = defineSignal<[DisputeEventSignal]>('disputeEvent');
export const disputeQuery = defineQuery<Dispute | null>('dispute');
