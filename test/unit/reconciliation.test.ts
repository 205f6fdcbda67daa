import { storedDedupeKey } from '../../activities/alert-activities';
import { differencesKey, differencesOf, failureRateBucket, failureRateExceeded, type PaymentFigures } from '../../domain/reconciliation';

const agreeing: PaymentFigures = {
  payment_id: 'pay_1', provider: 'stripe', provider_payment_id: 'pi_1', currency: 'eur',
  ledger: { captured: 2000, refunded: 700, refundedThroughProvider: 500, disputed: 0 },
  payments: { captured: 2000, refunded: 700, disputed: 0 },
};

describe('reconciling the ledger', () => {
  it('finds nothing when the three sources agree (refunds paid by bank transfer are not the provider\'s)', () => {
    expect(differencesOf(agreeing)).toEqual([]);
    expect(differencesOf({ ...agreeing, provider_figures: { captured: 2000, refunded: 500 } })).toEqual([]);
  });

  it('names each figure that disagrees, with every side', () => {
    expect(differencesOf({ ...agreeing, provider_figures: { captured: 2000, refunded: 1200 } })).toEqual([
      { payment_id: 'pay_1', provider: 'stripe', provider_payment_id: 'pi_1', currency: 'eur', figure: 'refunded', ledger: 700, payments: 700, provider_figure: 1200 },
    ]);
    expect(differencesOf({ ...agreeing, payments: { captured: 2000, refunded: 700, disputed: 2000 } }).map((d) => d.figure)).toEqual(['disputed']);
    expect(differencesOf({ ...agreeing, ledger: null }).map((d) => [d.figure, d.ledger, d.payments])).toEqual([['captured', 0, 2000], ['refunded', 0, 700]]);
  });

  it('reports a payment known on one side only', () => {
    expect(differencesOf({ ...agreeing, payment_id: null, ledger: null, payments: null, provider_figures: { captured: 900, refunded: 0 } })).toEqual([
      { payment_id: null, provider: 'stripe', provider_payment_id: 'pi_1', currency: 'eur', figure: 'payment', ledger: null, payments: null, provider_figure: 900 },
    ]);
    expect(differencesOf({ ...agreeing, provider_figures: null })[0]).toMatchObject({ figure: 'payment', ledger: 2000, payments: 2000, provider_figure: null });
  });

  it('keys the same differences the same way, whatever their order', () => {
    const a = differencesOf({ ...agreeing, provider_figures: { captured: 1, refunded: 2 } });
    expect(differencesKey([...a].reverse())).toBe(differencesKey(a));
    expect(differencesKey(a)).not.toBe(differencesKey(a.slice(1)));
  });
});

describe('the failure-rate alert', () => {
  const settings = { percent: 10, windowMinutes: 15, minAttempts: 20 };
  it('fires above the percentage, with enough attempts, and never when off', () => {
    expect(failureRateExceeded({ attempts: 20, failed: 3 }, settings)).toBe(true);
    expect(failureRateExceeded({ attempts: 20, failed: 2 }, settings)).toBe(false);
    expect(failureRateExceeded({ attempts: 19, failed: 19 }, settings)).toBe(false);
    expect(failureRateExceeded({ attempts: 100, failed: 100 }, { ...settings, percent: 0 })).toBe(false);
  });

  it('falls in one bucket per window', () => {
    const start = Date.UTC(2026, 10, 30, 10, 0);
    expect(failureRateBucket(start, 15)).toBe(failureRateBucket(start + 14 * 60_000, 15));
    expect(failureRateBucket(start + 15 * 60_000, 15)).toBe(failureRateBucket(start, 15) + 1);
  });
});

describe('alert dedupe keys', () => {
  it('keeps short keys readable and stores long ones (a reconciliation with many differences) as a fixed-size hash', () => {
    expect(storedDedupeKey('failure_rate:15:123')).toBe('failure_rate:15:123');
    const long = `ledger_mismatch:${Array.from({ length: 200 }, (_, i) => `pay_${i}:payment:100:100:`).join('|')}`;
    expect(storedDedupeKey(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(storedDedupeKey(long)).toBe(storedDedupeKey(`${long}`));
    expect(storedDedupeKey(long)).not.toBe(storedDedupeKey(`${long}x`));
  });
});
