import { ConfigError, loadConfig } from '../../platform/config';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database.url).toBeUndefined();
    expect(config.temporal.namespace).toBe('default');
    expect(config.payments.authorizationExpirySeconds).toBe(7 * 24 * 3600);
    expect(config.failureRateAlert).toEqual({ percent: 10, windowMinutes: 15, minAttempts: 20 });
    expect(loadConfig({ FAILURE_RATE_ALERT_PERCENT: '2.5', FAILURE_RATE_ALERT_WINDOW_MINUTES: '5' }).failureRateAlert).toMatchObject({ percent: 2.5, windowMinutes: 5 });
  });

  it('reports one clear line per bad value', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'not a url', STRIPE_SECRET_KEY: 'sk_test_123' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/DATABASE_URL/);
  });

  it('requires the webhook secret with a Stripe key', () => {
    expect(() => loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).stripe.secretKey).toBe('sk_test_abc');
  });
});
