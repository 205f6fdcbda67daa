/** Retries of failed payments: which declines may be retried on their own, when, and how a new attempt begins. Pure. */
import type { Payment, PaymentAttempt } from './payment';

/** Declines that may succeed later with the same method, grouped by how long to wait. */
export type DeclineKind = 'retry_soon' | 'retry_after_days' | 'hard';

/** The issuer or network hiccupped: the same card may go through within hours. */
const RETRY_SOON_CODES = new Set(['processing_error', 'try_again_later']);
/** Money may arrive (payday): worth trying again after days, never within minutes. */
const RETRY_AFTER_DAYS_CODES = new Set(['insufficient_funds']);

/**
 * Only soft declines are retried automatically. Everything else — generic card_declined, do_not_honor,
 * lost or stolen cards, expired cards, a wrong CVC, fraud, refusals — needs the customer, so it is hard.
 */
export function classifyDecline(failureCode: string | null): DeclineKind {
  if (failureCode && RETRY_SOON_CODES.has(failureCode)) return 'retry_soon';
  if (failureCode && RETRY_AFTER_DAYS_CODES.has(failureCode)) return 'retry_after_days';
  return 'hard';
}

/** Delays between automatic attempts, in seconds; the n-th automatic retry waits delays[n-1]. */
export interface AutomaticRetryPolicy {
  /** For processing_error and try_again_later. */
  soonDelaysSeconds: number[];
  /** For insufficient_funds. */
  afterDaysDelaysSeconds: number[];
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses "1h,6h,24h" or "3d,5d" (units s, m, h, d; fractions allowed); a bad entry is named back. */
export function parseRetrySchedule(text: string): { ok: true; delaysSeconds: number[] } | { ok: false; bad: string } {
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
  const delaysSeconds: number[] = [];
  for (const entry of entries) {
    const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(entry);
    const seconds = match ? Math.round(Number(match[1]) * UNIT_SECONDS[match[2]]) : 0;
    if (!match || seconds < 1) return { ok: false, bad: entry };
    delaysSeconds.push(seconds);
  }
  return { ok: true, delaysSeconds };
}

/**
 * How long to wait before the next automatic attempt, or null when the payment is done: not failed, a hard decline,
 * or the schedule for its kind of decline used up. automaticRetriesMade counts since the last manual attempt.
 */
export function nextAutomaticRetryDelay(payment: Pick<Payment, 'status' | 'failure_code'>, automaticRetriesMade: number, policy: AutomaticRetryPolicy | null | undefined): number | null {
  if (!policy || payment.status !== 'failed') return null;
  const kind = classifyDecline(payment.failure_code);
  if (kind === 'hard') return null;
  const delays = kind === 'retry_soon' ? policy.soonDelaysSeconds : policy.afterDaysDelaysSeconds;
  return delays[automaticRetriesMade] ?? null;
}

/** A payment recorded before retries existed counts as its first attempt. */
export function attemptNumber(payment: Pick<Payment, 'attempt_count'>): number {
  return payment.attempt_count ?? 1;
}

/** Only a failed payment gets a new attempt; any other status (succeeded, in progress, canceled) is left alone. */
export function canStartNewAttempt(payment: Pick<Payment, 'status' | 'provider'>): boolean {
  return payment.status === 'failed' && payment.provider !== 'offline';
}

export interface NewAttempt {
  paymentMethod: string | null;
  paymentMethodType: Payment['payment_method_type'];
  savedPaymentMethodId: string | null;
  now: string;
}

/**
 * The one move out of `failed`: a new attempt. The failed attempt is kept in previous_attempts, the payment starts
 * over as pending with the attempt's method and no provider payment yet. Anything but a failed payment is refused.
 */
export function beginNewAttempt(payment: Payment, attempt: NewAttempt): Payment {
  if (!canStartNewAttempt(payment)) throw new Error(`A new attempt needs a failed payment, not a ${payment.status} one`);
  const finished: PaymentAttempt = {
    attempt: attemptNumber(payment),
    payment_method: payment.payment_method,
    payment_method_type: payment.payment_method_type,
    provider_payment_id: payment.provider_payment_id,
    failure_code: payment.failure_code,
    failure_message: payment.failure_message,
    failed_at: payment.updated_at,
  };
  return {
    ...payment,
    status: 'pending',
    attempt_count: finished.attempt + 1,
    previous_attempts: [...(payment.previous_attempts ?? []), finished],
    next_retry_at: null,
    provider_payment_id: null,
    payment_method: attempt.paymentMethod,
    payment_method_type: attempt.paymentMethodType,
    saved_payment_method_id: attempt.savedPaymentMethodId,
    client_secret: null,
    next_action: null,
    failure_code: null,
    failure_message: null,
    failure_details: null,
    updated_at: attempt.now,
  };
}

/** A provider payment of an earlier attempt: its late events describe that attempt, not the current one. */
export function isEarlierAttempt(payment: Pick<Payment, 'previous_attempts' | 'provider_payment_id'>, providerPaymentId: string | null): boolean {
  if (!providerPaymentId || providerPaymentId === payment.provider_payment_id) return false;
  return (payment.previous_attempts ?? []).some((attempt) => attempt.provider_payment_id === providerPaymentId);
}

/** Attempt 1 keeps the key payments always had, so existing histories and provider records stay valid. */
export function providerCreateKey(paymentId: string, attempt: number): string {
  return attempt <= 1 ? `${paymentId}:create` : `${paymentId}:create:attempt-${attempt}`;
}
