import {
  addCounts, EMPTY_SYNC_COUNTS, FIRST_SYNC_LOOKBACK_SECONDS, judgePaymentSync, nextCursor, rateLimitDelaySeconds, refundLags,
  resolveSyncWindow, SYNC_WINDOW_OVERLAP_SECONDS, webhookAlertBucket, webhookFailuresExceed,
} from '../../domain/provider-sync';
import { retryAfterSeconds } from '../../providers/stripe/stripe-errors';

describe('provider sync window', () => {
  it('starts at the cursor less a small overlap and ends now', () => {
    expect(resolveSyncWindow({ cursor: 10_000, now: 20_000 })).toEqual({ from: 10_000 - SYNC_WINDOW_OVERLAP_SECONDS, to: 20_000 });
  });

  it('looks back a day on a provider never synced', () => {
    expect(resolveSyncWindow({ cursor: null, now: 200_000 })).toEqual({ from: 200_000 - FIRST_SYNC_LOOKBACK_SECONDS, to: 200_000 });
  });

  it('takes explicit bounds over the cursor, and never inverts the window', () => {
    expect(resolveSyncWindow({ from: 5, to: 50, cursor: 40, now: 100 })).toEqual({ from: 5, to: 50 });
    expect(resolveSyncWindow({ to: 10, cursor: 500, now: 1000 })).toEqual({ from: 10, to: 10 });
  });

  it('only moves the cursor forward', () => {
    expect(nextCursor(null, { from: 0, to: 100 })).toBe(100);
    expect(nextCursor(300, { from: 0, to: 100 })).toBe(300);
    expect(nextCursor(300, { from: 240, to: 400 })).toBe(400);
  });
});

describe('what a provider object calls for', () => {
  it('imports a payment the engine has never seen', () => {
    expect(judgePaymentSync(null, 'succeeded')).toEqual({ kind: 'import' });
  });

  it('repairs a payment the provider shows further along', () => {
    expect(judgePaymentSync('requires_action', 'succeeded')).toEqual({ kind: 'repair' });
    expect(judgePaymentSync('processing', 'failed')).toEqual({ kind: 'repair' });
  });

  it('leaves equal, backward and after-final states alone', () => {
    expect(judgePaymentSync('succeeded', 'succeeded')).toEqual({ kind: 'unchanged' });
    expect(judgePaymentSync('requires_capture', 'pending')).toEqual({ kind: 'unchanged' });
    expect(judgePaymentSync('refunded', 'succeeded')).toEqual({ kind: 'unchanged' });
    expect(judgePaymentSync('failed', 'succeeded')).toEqual({ kind: 'unchanged' });
  });

  it('repairs a refund only while it waits for the provider and the provider has answered', () => {
    expect(refundLags('processing', 'succeeded')).toBe(true);
    expect(refundLags('processing', 'failed')).toBe(true);
    expect(refundLags('processing', 'pending')).toBe(false);
    expect(refundLags('succeeded', 'succeeded')).toBe(false);
    expect(refundLags('pending_review', 'succeeded')).toBe(false);
  });

  it('adds counts', () => {
    expect(addCounts(addCounts(EMPTY_SYNC_COUNTS, { seen: 2, imported: 1 }), { seen: 1, errors: 1 })).toEqual({ seen: 3, imported: 1, repaired: 0, unchanged: 0, errors: 1 });
  });
});

describe('rate limits', () => {
  it('never retries sooner than Retry-After, and backs off with the attempts', () => {
    expect(rateLimitDelaySeconds(5, 1)).toBe(5);
    expect(rateLimitDelaySeconds(1, 3)).toBe(4);
    expect(rateLimitDelaySeconds(null, 1)).toBe(1);
    expect(rateLimitDelaySeconds(null, 20)).toBe(60);
    expect(rateLimitDelaySeconds(120, 20)).toBe(120);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds(undefined)).toBeNull();
    expect(retryAfterSeconds('soon')).toBeNull();
    expect(retryAfterSeconds(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)).toUTCString(), Date.UTC(2026, 0, 1))).toBe(30);
  });
});

describe('webhook failure alerts', () => {
  it('fires above the threshold only, and never with a zero threshold', () => {
    expect(webhookFailuresExceed({ rejected: 3, failed: 0, threshold: 2 })).toBe(true);
    expect(webhookFailuresExceed({ rejected: 1, failed: 1, threshold: 2 })).toBe(false);
    expect(webhookFailuresExceed({ rejected: 100, failed: 100, threshold: 0 })).toBe(false);
  });

  it('raises one alert per interval', () => {
    expect(webhookAlertBucket(900, 900)).toBe(webhookAlertBucket(1799, 900));
    expect(webhookAlertBucket(1800, 900)).not.toBe(webhookAlertBucket(1799, 900));
  });
});
