import { loadConfig } from '../../platform/config';
import { childEnvironment, formatBanner, type Resolved, workerEnvironment } from '../../scripts/start';

const resolved: Resolved = {
  databaseUrl: 'postgres://postgres:postgres@127.0.0.1:5433/durapay',
  embeddedPostgresPort: 5433,
  temporalAddress: '127.0.0.1:7233',
  temporalUiUrl: 'http://127.0.0.1:8233',
  sandboxUrl: 'http://127.0.0.1:12112',
  secrets: { adminKey: 'dp_admin_aaaaaaaaaaaaaaaa', merchantKey: 'dp_merchant_bbbbbbbbbbbbbbbb', stripeWebhookSecret: 'whsec_cccc', generated: [] },
};

describe('childEnvironment', () => {
  it('hands the children every resolved setting, pointing Stripe at the sandbox', () => {
    const config = loadConfig({ DATA_DIR: '/srv/durapay', PORT: '4000', HOST: '0.0.0.0', TEMPORAL_NAMESPACE: 'payments' });
    const env = childEnvironment(config, resolved, { PATH: '/usr/bin', STRIPE_API_BASE: 'http://elsewhere' });
    expect(env).toEqual({
      PATH: '/usr/bin',
      DATABASE_URL: resolved.databaseUrl,
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'payments',
      // The embedded Temporal UI, for the admin console's links.
      TEMPORAL_UI_URL: resolved.temporalUiUrl,
      STRIPE_SECRET_KEY: 'sk_test_durapay_sandbox',
      STRIPE_WEBHOOK_SECRET: 'whsec_cccc',
      STRIPE_API_BASE: 'http://127.0.0.1:12112',
      ADMIN_API_KEY: 'dp_admin_aaaaaaaaaaaaaaaa',
      MERCHANT_API_KEY: 'dp_merchant_bbbbbbbbbbbbbbbb',
      DATA_DIR: '/srv/durapay',
      PORT: '4000',
      HOST: '0.0.0.0',
    });
  });

  it('gives the worker two malloc arenas unless told otherwise', () => {
    expect(workerEnvironment({ PATH: '/usr/bin' })).toEqual({
      PATH: '/usr/bin', MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072',
      NODE_OPTIONS: '--max-old-space-size=384 --max-semi-space-size=4',
    });
    expect(workerEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
  });

  it('passes real Stripe settings through and sets no sandbox URL', () => {
    const config = loadConfig({ STRIPE_SECRET_KEY: 'sk_live_real', STRIPE_WEBHOOK_SECRET: 'whsec_real' });
    const env = childEnvironment(config, { ...resolved, sandboxUrl: null, secrets: { ...resolved.secrets, stripeWebhookSecret: 'whsec_real' } }, {});
    expect(env).toMatchObject({ STRIPE_SECRET_KEY: 'sk_live_real', STRIPE_WEBHOOK_SECRET: 'whsec_real' });
    expect(env).not.toHaveProperty('STRIPE_API_BASE');
  });
});

describe('formatBanner', () => {
  it('shows the URLs, keys, data dir, ready time and a working curl example', () => {
    const config = loadConfig({ DATA_DIR: '/srv/durapay', HOST: '0.0.0.0', PORT: '4000' });
    const banner = formatBanner(config, resolved, 4.26);
    expect(banner).toContain('ready in 4.3s');
    for (const text of ['embedded, port 5433', 'http://127.0.0.1:4000', 'http://127.0.0.1:4000/admin', 'http://127.0.0.1:8233', 'http://127.0.0.1:12112', 'dp_admin_aaaaaaaaaaaaaaaa', '/srv/durapay']) {
      expect(banner).toContain(text);
    }
    expect(banner).toContain(
      'curl -X POST http://127.0.0.1:4000/v1/payments -H "Authorization: Bearer dp_merchant_bbbbbbbbbbbbbbbb" -H "Idempotency-Key: $(uuidgen)"',
    );
  });
});
