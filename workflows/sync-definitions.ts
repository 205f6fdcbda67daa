import type { SyncCounts, SyncTrigger, SyncWindow } from '../domain/provider-sync';

/** Shared by the API, the schedule and the sync workflow. */

export const SYNC_WORKFLOW_TYPE = 'syncProviderPayments';

export interface SyncProviderPaymentsInput {
  provider: string;
  trigger: SyncTrigger;
  /** Seconds since the epoch. Without them the window runs from the provider's cursor to now, and moves the cursor. */
  from?: number;
  to?: number;
  /** Scheduled runs also check the webhook failure rate over their interval. */
  webhookFailureAlert?: { threshold: number; intervalSeconds: number };
}

export interface SyncProviderPaymentsResult {
  provider: string;
  window: SyncWindow;
  counts: SyncCounts;
}
