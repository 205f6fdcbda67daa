import { judgeTransition, type PaymentStatus } from './payment-status';
import type { ProviderRefundStatus } from './provider-types';
import type { RefundStatus } from './refund';

/** Provider sync: what a run counts, how its window is chosen, and what each object it reads calls for. Pure. */

export interface SyncCounts {
  seen: number;
  imported: number;
  repaired: number;
  unchanged: number;
  errors: number;
}

export const EMPTY_SYNC_COUNTS: SyncCounts = { seen: 0, imported: 0, repaired: 0, unchanged: 0, errors: 0 };

export function addCounts(a: SyncCounts, b: Partial<SyncCounts>): SyncCounts {
  return {
    seen: a.seen + (b.seen ?? 0),
    imported: a.imported + (b.imported ?? 0),
    repaired: a.repaired + (b.repaired ?? 0),
    unchanged: a.unchanged + (b.unchanged ?? 0),
    errors: a.errors + (b.errors ?? 0),
  };
}

export type SyncTrigger = 'schedule' | 'manual';

export interface SyncWindow {
  /** Seconds since the epoch, inclusive. */
  from: number;
  /** Seconds since the epoch, exclusive. */
  to: number;
}

/** The first scheduled sync of a provider looks back this far; later ones start at the persisted cursor. */
export const FIRST_SYNC_LOOKBACK_SECONDS = 24 * 3600;
/**
 * Each default window reaches back this far before the cursor. Objects created just before a run ended may only
 * become listable a moment later; reading a few twice costs nothing because applying is idempotent.
 */
export const SYNC_WINDOW_OVERLAP_SECONDS = 60;

/** Explicit bounds win; otherwise from the cursor (less the overlap) to now. */
export function resolveSyncWindow(input: { from?: number; to?: number; cursor: number | null; now: number }): SyncWindow {
  const to = input.to ?? input.now;
  const from =
    input.from ?? (input.cursor !== null ? input.cursor - SYNC_WINDOW_OVERLAP_SECONDS : to - FIRST_SYNC_LOOKBACK_SECONDS);
  return { from: Math.min(from, to), to };
}

/** The cursor only moves forward, and only past windows that ended after it. */
export function nextCursor(current: number | null, window: SyncWindow): number {
  return current === null ? window.to : Math.max(current, window.to);
}

export type PaymentSyncVerdict =
  /** No local payment has this provider id: a payment made outside the engine. */
  | { kind: 'import' }
  /** The provider's state moves the local payment forward: the engine missed something. */
  | { kind: 'repair' }
  | { kind: 'unchanged' };

/** What a provider's payment calls for, given the local payment's status (null when there is none). */
export function judgePaymentSync(localStatus: PaymentStatus | null, providerStatus: PaymentStatus): PaymentSyncVerdict {
  if (localStatus === null) return { kind: 'import' };
  return judgeTransition(localStatus, providerStatus).kind === 'apply' ? { kind: 'repair' } : { kind: 'unchanged' };
}

/** A refund still waiting for the provider's answer, which the provider has given. */
export function refundLags(localStatus: RefundStatus, providerStatus: ProviderRefundStatus): boolean {
  return localStatus === 'processing' && providerStatus !== 'pending';
}

/** A rate-limited retry waits at least the provider's Retry-After, and backs off further with each attempt (max 60 s). */
export function rateLimitDelaySeconds(retryAfterSeconds: number | null, attempt: number): number {
  const backoff = Math.min(2 ** Math.max(0, attempt - 1), 60);
  return Math.max(retryAfterSeconds ?? 0, backoff);
}

export interface WebhookFailureRate {
  rejected: number;
  failed: number;
  threshold: number;
}

/** Verification and processing failures together, over one sync interval; a zero threshold turns the alert off. */
export function webhookFailuresExceed({ rejected, failed, threshold }: WebhookFailureRate): boolean {
  return threshold > 0 && rejected + failed > threshold;
}

/** One alert per interval bucket, however many runs notice the same burst of failures. */
export function webhookAlertBucket(nowSeconds: number, intervalSeconds: number): number {
  return Math.floor(nowSeconds / Math.max(1, intervalSeconds));
}
