/**
 * Reconciling the ledger with the payment records and with the provider's own figures, and the failure-rate alert:
 * pure comparisons, safe in workflows.
 */

export type ReconciledFigure = 'captured' | 'refunded' | 'disputed' | 'payment';

/** One figure that doesn't agree. A null side has no such payment (unknown locally, or unknown at the provider). */
export interface LedgerDifference {
  payment_id: string | null;
  provider: string;
  provider_payment_id: string | null;
  currency: string;
  figure: ReconciledFigure;
  ledger: number | null;
  payments: number | null;
  /** The provider's figure; null when the provider wasn't asked (or can't list), or doesn't know the payment. */
  provider_figure: number | null;
}

/** What the ledger, the payment record and (when listed) the provider say of one payment. */
export interface PaymentFigures {
  payment_id: string | null;
  provider: string;
  provider_payment_id: string | null;
  currency: string;
  ledger: { captured: number; refunded: number; refundedThroughProvider: number; disputed: number } | null;
  payments: { captured: number; refunded: number; disputed: number } | null;
  provider_figures?: { captured: number; refunded: number } | null;
}

/** Every figure of one payment on which its sources disagree. */
export function differencesOf(figures: PaymentFigures): LedgerDifference[] {
  const base = { payment_id: figures.payment_id, provider: figures.provider, provider_payment_id: figures.provider_payment_id, currency: figures.currency };
  const asked = figures.provider_figures !== undefined;
  if (!figures.payments || (asked && figures.provider_figures === null)) {
    return [{ ...base, figure: 'payment', ledger: figures.ledger?.captured ?? null, payments: figures.payments?.captured ?? null, provider_figure: figures.provider_figures?.captured ?? null }];
  }
  const ledger = figures.ledger ?? { captured: 0, refunded: 0, refundedThroughProvider: 0, disputed: 0 };
  const provider = figures.provider_figures ?? null;
  const differences: LedgerDifference[] = [];
  if (ledger.captured !== figures.payments.captured || (provider && provider.captured !== ledger.captured)) {
    differences.push({ ...base, figure: 'captured', ledger: ledger.captured, payments: figures.payments.captured, provider_figure: provider?.captured ?? null });
  }
  // The provider only knows refunds it made; refunds paid out by bank transfer are the merchant's own.
  if (ledger.refunded !== figures.payments.refunded || (provider && provider.refunded !== ledger.refundedThroughProvider)) {
    differences.push({ ...base, figure: 'refunded', ledger: ledger.refunded, payments: figures.payments.refunded, provider_figure: provider?.refunded ?? null });
  }
  if (ledger.disputed !== figures.payments.disputed) {
    differences.push({ ...base, figure: 'disputed', ledger: ledger.disputed, payments: figures.payments.disputed, provider_figure: null });
  }
  return differences;
}

/** The same differences give the same key: a difference that persists is alerted once, not every run. */
export function differencesKey(differences: LedgerDifference[]): string {
  return differences
    .map((d) => [d.payment_id ?? d.provider_payment_id, d.figure, d.ledger, d.payments, d.provider_figure].join(':'))
    .sort()
    .join('|');
}

export interface FailureRateSettings {
  /** Alert when more than this percentage of attempts failed. */
  percent: number;
  windowMinutes: number;
  /** Fewer attempts than this in the window say nothing. */
  minAttempts: number;
}

export const DEFAULT_FAILURE_RATE: FailureRateSettings = { percent: 10, windowMinutes: 15, minAttempts: 20 };

export function failureRateExceeded(counts: { attempts: number; failed: number }, settings: FailureRateSettings): boolean {
  if (settings.percent <= 0 || counts.attempts < Math.max(1, settings.minAttempts)) return false;
  return counts.failed * 100 > settings.percent * counts.attempts;
}

/** Which window (aligned to the epoch) a moment falls in: one alert per window, however many checks see the rate. */
export function failureRateBucket(nowMs: number, windowMinutes: number): number {
  return Math.floor(nowMs / (Math.max(1, windowMinutes) * 60_000));
}
