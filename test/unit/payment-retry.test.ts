import type { Payment } from '../../domain/payment';
import {
  beginNewAttempt,
  canStartNewAttempt,
  classifyDecline,
  isEarlierAttempt,
  nextAutomaticRetryDelay,
  parseRetrySchedule,
  providerCreateKey,
} from '../../domain/payment-retry';
import { judgeTransition, PAYMENT_STATUSES } from '../../domain/payment-status';
import { ConfigError, loadConfig } from '../../platform/config';

const failed: Payment = {
  id: 'pay_1', object: 'payment', status: 'failed', amount: 2500, currency: 'eur', capture_method: 'automatic',
  amount_captured: 0, amount_refunded: 0, provider: 'stripe', provider_payment_id: 'pi_first', payment_method: 'pm_card_chargeDeclined',
  payment_method_type: 'card', saved_payment_method_id: null, instructions: null, client_secret: 'pi_first_secret', next_action: null,
  failure_code: 'card_declined', failure_message: 'The card was declined.',
  failure_details: { provider_code: 'card_declined', provider_decline_code: 'generic_decline', provider_message: 'Your card was declined.' },
  customer_id: null, receipt_email: null, description: null, metadata: {}, created_at: '2026-11-22T10:00:00.000Z', updated_at: '2026-11-22T10:00:01.000Z',
};

const policy = { soonDelaysSeconds: [3600, 6 * 3600], afterDaysDelaysSeconds: [3 * 86_400] };

describe('which declines are retried automatically', () => {
  it('retries processing errors and try-again-later soon, insufficient funds after days', () => {
    expect(classifyDecline('processing_error')).toBe('retry_soon');
    expect(classifyDecline('try_again_later')).toBe('retry_soon');
    expect(classifyDecline('insufficient_funds')).toBe('retry_after_days');
  });

  it('never retries hard declines or refusals', () => {
    for (const code of ['card_declined', 'do_not_honor', 'lost_card', 'stolen_card', 'expired_card', 'incorrect_cvc', 'fraudulent', 'authentication_required', 'resource_missing', 'payer_canceled', null]) {
      expect(classifyDecline(code)).toBe('hard');
    }
  });

  it('follows the schedule for the kind of decline, then stops', () => {
    const soft = { status: 'failed' as const, failure_code: 'processing_error' };
    expect(nextAutomaticRetryDelay(soft, 0, policy)).toBe(3600);
    expect(nextAutomaticRetryDelay(soft, 1, policy)).toBe(6 * 3600);
    expect(nextAutomaticRetryDelay(soft, 2, policy)).toBeNull();
    expect(nextAutomaticRetryDelay({ status: 'failed', failure_code: 'insufficient_funds' }, 0, policy)).toBe(3 * 86_400);
    expect(nextAutomaticRetryDelay({ status: 'failed', failure_code: 'insufficient_funds' }, 1, policy)).toBeNull();
  });

  it('schedules nothing when off, for hard declines, or for a payment that is not failed', () => {
    expect(nextAutomaticRetryDelay({ status: 'failed', failure_code: 'processing_error' }, 0, null)).toBeNull();
    expect(nextAutomaticRetryDelay({ status: 'failed', failure_code: 'processing_error' }, 0, undefined)).toBeNull();
    expect(nextAutomaticRetryDelay({ status: 'failed', failure_code: 'card_declined' }, 0, policy)).toBeNull();
    expect(nextAutomaticRetryDelay({ status: 'succeeded', failure_code: null }, 0, policy)).toBeNull();
  });
});

describe('retry schedules', () => {
  it('parses delays with units', () => {
    expect(parseRetrySchedule('1h, 6h,24h')).toEqual({ ok: true, delaysSeconds: [3600, 21_600, 86_400] });
    expect(parseRetrySchedule('2s,1.5m,3d')).toEqual({ ok: true, delaysSeconds: [2, 90, 259_200] });
    expect(parseRetrySchedule('')).toEqual({ ok: true, delaysSeconds: [] });
  });

  it('names the entry it cannot read', () => {
    expect(parseRetrySchedule('1h,soon')).toEqual({ ok: false, bad: 'soon' });
    expect(parseRetrySchedule('10')).toEqual({ ok: false, bad: '10' });
    expect(parseRetrySchedule('0s')).toEqual({ ok: false, bad: '0s' });
  });
});

describe('a new attempt of a failed payment', () => {
  it('is the one way out of failed, which judgeTransition keeps final', () => {
    for (const to of PAYMENT_STATUSES) expect(judgeTransition('failed', to).kind).toBe('ignore');
    expect(canStartNewAttempt(failed)).toBe(true);
  });

  it('starts over as pending with the new method and keeps the failed attempt', () => {
    const next = beginNewAttempt(failed, { paymentMethod: 'pm_card_visa', paymentMethodType: 'card', savedPaymentMethodId: null, now: '2026-11-22T11:00:00.000Z' });
    expect(next).toMatchObject({
      status: 'pending', attempt_count: 2, payment_method: 'pm_card_visa', provider_payment_id: null, client_secret: null,
      failure_code: null, failure_message: null, failure_details: null, next_retry_at: null, updated_at: '2026-11-22T11:00:00.000Z',
      amount: 2500, currency: 'eur', created_at: failed.created_at,
    });
    expect(next.previous_attempts).toEqual([{
      attempt: 1, payment_method: 'pm_card_chargeDeclined', payment_method_type: 'card', provider_payment_id: 'pi_first',
      failure_code: 'card_declined', failure_message: 'The card was declined.', failed_at: failed.updated_at,
    }]);
    const third = beginNewAttempt({ ...next, status: 'failed', provider_payment_id: 'pi_second', failure_code: 'processing_error' }, {
      paymentMethod: 'pm_card_visa', paymentMethodType: 'card', savedPaymentMethodId: null, now: '2026-11-22T12:00:00.000Z',
    });
    expect(third.attempt_count).toBe(3);
    expect(third.previous_attempts?.map((attempt) => [attempt.attempt, attempt.provider_payment_id])).toEqual([[1, 'pi_first'], [2, 'pi_second']]);
  });

  it('refuses any payment that is not failed, and offline payments', () => {
    for (const status of PAYMENT_STATUSES.filter((s) => s !== 'failed')) {
      expect(canStartNewAttempt({ ...failed, status })).toBe(false);
      expect(() => beginNewAttempt({ ...failed, status }, { paymentMethod: null, paymentMethodType: 'card', savedPaymentMethodId: null, now: '' })).toThrow(/failed payment/);
    }
    expect(canStartNewAttempt({ ...failed, provider: 'offline' })).toBe(false);
  });

  it("recognises an earlier attempt's provider payment, not the current one", () => {
    const next = { ...beginNewAttempt(failed, { paymentMethod: 'pm_card_visa', paymentMethodType: 'card', savedPaymentMethodId: null, now: '' }), provider_payment_id: 'pi_second' };
    expect(isEarlierAttempt(next, 'pi_first')).toBe(true);
    expect(isEarlierAttempt(next, 'pi_second')).toBe(false);
    expect(isEarlierAttempt(next, 'pi_other')).toBe(false);
    expect(isEarlierAttempt(failed, 'pi_first')).toBe(false);
  });

  it('keeps the first attempt\'s provider idempotency key and suffixes later ones', () => {
    expect(providerCreateKey('pay_1', 1)).toBe('pay_1:create');
    expect(providerCreateKey('pay_1', 2)).toBe('pay_1:create:attempt-2');
  });
});

describe('automatic-retry configuration', () => {
  it('is off by default', () => {
    expect(loadConfig({}).payments.automaticRetries).toBeNull();
  });

  it('reads both schedules when enabled', () => {
    const config = loadConfig({ AUTO_RETRY_ENABLED: 'true', AUTO_RETRY_SCHEDULE: '10s,1m', AUTO_RETRY_INSUFFICIENT_FUNDS_SCHEDULE: '2d' });
    expect(config.payments.automaticRetries).toEqual({ soonDelaysSeconds: [10, 60], afterDaysDelaysSeconds: [172_800] });
    expect(loadConfig({ AUTO_RETRY_ENABLED: 'true' }).payments.automaticRetries).toEqual({ soonDelaysSeconds: [3600, 21_600, 86_400], afterDaysDelaysSeconds: [259_200, 604_800] });
  });

  it('refuses a schedule it cannot read', () => {
    expect(() => loadConfig({ AUTO_RETRY_ENABLED: 'true', AUTO_RETRY_SCHEDULE: '1h,tomorrow' })).toThrow(ConfigError);
    expect(() => loadConfig({ AUTO_RETRY_ENABLED: 'yes' })).toThrow(ConfigError);
  });
});
