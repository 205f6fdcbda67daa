import type { LedgerDifference } from '../domain/reconciliation';
import type { FailureRateSettings } from '../domain/reconciliation';
import type { CurrencyTotals } from '../activities/reconcile-activities';

/** Shared by the API, the schedule and the workflow. */
export const RECONCILE_WORKFLOW_TYPE = 'reconcileLedger';

export interface ReconcileLedgerInput {
  trigger: 'schedule' | 'manual';
  /** Providers whose listings are compared (configured ones). */
  providers: string[];
  /** The provider window in seconds since the epoch; without it, the last lookbackSeconds. */
  from?: number;
  to?: number;
  lookbackSeconds?: number;
  /** Scheduled runs also check the payment failure rate. */
  failureRateAlert?: FailureRateSettings;
}

export interface ReconcileLedgerResult {
  window: { from: string; to: string };
  /** Payments compared with their ledger entries, and payments listed by providers. */
  checked: { payments: number; provider_payments: Record<string, number | null> };
  difference_count: number;
  differences: LedgerDifference[];
  totals: CurrencyTotals[];
  alert_id: string | null;
}
