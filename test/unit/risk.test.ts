import { assessRisk, DEFAULT_RISK_SETTINGS, emailDomain, normalizeBlocklistValue, pauseCovers, providerRiskFinding, type RiskFacts } from '../../domain/risk';

const facts = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({
  amount: 1000, currency: 'eur', customerId: 'cus_1', customerAttemptsLastHour: 0, blocklistMatches: [], customerFlagged: false, ...overrides,
});
const settings = { maxPaymentsPerCustomerPerHour: 3, reviewAmount: 50_000, reviewExpiryHours: 1 };

describe('velocity rule', () => {
  it('allows the third attempt in an hour and reviews the fourth', () => {
    expect(assessRisk(facts({ customerAttemptsLastHour: 2 }), settings).outcome).toBe('allow');
    const fourth = assessRisk(facts({ customerAttemptsLastHour: 3 }), settings);
    expect(fourth.outcome).toBe('review');
    expect(fourth.findings).toEqual([{ rule: 'velocity', outcome: 'review', figures: { attempts_last_hour: 4, limit: 3 } }]);
  });
  it('does not apply without a customer, nor when set to 0', () => {
    expect(assessRisk(facts({ customerId: null, customerAttemptsLastHour: 50 }), settings).outcome).toBe('allow');
    expect(assessRisk(facts({ customerAttemptsLastHour: 50 }), { ...settings, maxPaymentsPerCustomerPerHour: 0 }).outcome).toBe('allow');
  });
});

describe('amount rule', () => {
  it('reviews at the threshold and not one below it', () => {
    expect(assessRisk(facts({ amount: 49_999 }), settings).outcome).toBe('allow');
    expect(assessRisk(facts({ amount: 50_000 }), settings).findings[0]).toEqual({
      rule: 'amount', outcome: 'review', figures: { amount: 50_000, currency: 'eur', threshold: 50_000 },
    });
  });
  it('is off at 0, and defaults to 100000', () => {
    expect(assessRisk(facts({ amount: 10_000_000 }), { ...settings, reviewAmount: 0 }).outcome).toBe('allow');
    expect(assessRisk(facts({ amount: 99_999 }), DEFAULT_RISK_SETTINGS).outcome).toBe('allow');
    expect(assessRisk(facts({ amount: 100_000 }), DEFAULT_RISK_SETTINGS).outcome).toBe('review');
  });
});

describe('block lists and flags', () => {
  it('blocks on a match, before any review rule', () => {
    const result = assessRisk(facts({ amount: 60_000, blocklistMatches: [{ kind: 'email_domain', value: 'fraud.test' }] }), settings);
    expect(result.outcome).toBe('block');
    expect(result.findings.map((f) => f.rule)).toEqual(['blocklist', 'amount']);
  });
  it('blocks a flagged customer', () => {
    expect(assessRisk(facts({ customerFlagged: true }), settings)).toEqual({
      outcome: 'block', findings: [{ rule: 'customer_flagged', outcome: 'block', figures: { customer_id: 'cus_1' } }],
    });
  });
  it('normalizes values so a listed domain matches however it is written', () => {
    expect(normalizeBlocklistValue('email_domain', ' @Fraud.TEST ')).toBe('fraud.test');
    expect(normalizeBlocklistValue('customer_id', ' Cus_A ')).toBe('Cus_A');
    expect(normalizeBlocklistValue('ip', '2001:DB8::1')).toBe('2001:db8::1');
    expect(emailDomain('Ann@Fraud.Test')).toBe('fraud.test');
    expect(emailDomain('no-at-sign')).toBeNull();
    expect(emailDomain('trailing@')).toBeNull();
    expect(emailDomain(null)).toBeNull();
  });
});

describe('provider risk and pauses', () => {
  it('reviews elevated and highest, not normal', () => {
    expect(providerRiskFinding('normal')).toBeNull();
    expect(providerRiskFinding(null)).toBeNull();
    expect(providerRiskFinding('elevated')).toEqual({ rule: 'provider_risk', outcome: 'review', figures: { risk_level: 'elevated' } });
    expect(providerRiskFinding('highest')?.outcome).toBe('review');
  });
  it('a pause covers its scope only', () => {
    expect(pauseCovers('all', 'paypal')).toBe(true);
    expect(pauseCovers('provider:stripe', 'stripe')).toBe(true);
    expect(pauseCovers('provider:stripe', 'paypal')).toBe(false);
  });
});
