import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveLocalSecrets, secretsFilePath } from '../../platform/local-secrets';

let dataDir: string;
beforeEach(async () => {
  dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-secrets-')), 'data');
});
afterEach(async () => {
  await fs.rm(path.dirname(dataDir), { recursive: true, force: true });
});

describe('resolveLocalSecrets', () => {
  it('generates the keys once, stores them with mode 0600, and reuses them on the next start', async () => {
    const first = await resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: true });
    expect(first.adminKey).toMatch(/^dp_admin_[A-Za-z0-9_-]{32}$/);
    expect(first.merchantKey).toMatch(/^dp_merchant_[A-Za-z0-9_-]{32}$/);
    expect(first.stripeWebhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    expect(first.generated.sort()).toEqual(['adminKey', 'merchantKey', 'stripeWebhookSecret']);
    expect((await fs.stat(secretsFilePath(dataDir))).mode & 0o777).toBe(0o600);

    const second = await resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: true });
    expect(second).toEqual({ ...first, generated: [] });
  });

  it('lets environment values win without writing them to disk', async () => {
    const fromEnv = { adminKey: 'env_admin_key_123456', merchantKey: 'env_merchant_key_123456', stripeWebhookSecret: 'whsec_from_env' };
    const secrets = await resolveLocalSecrets({ dataDir, ...fromEnv, needsStripeWebhookSecret: true });
    expect(secrets).toEqual({ ...fromEnv, generated: [] });
    await expect(fs.access(secretsFilePath(dataDir))).rejects.toThrow();
  });

  it('generates no webhook secret when real Stripe is used', async () => {
    const secrets = await resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: false });
    expect(secrets.stripeWebhookSecret).toBeUndefined();
    expect(JSON.parse(await fs.readFile(secretsFilePath(dataDir), 'utf8'))).not.toHaveProperty('stripeWebhookSecret');
  });

  it('generates the payload encryption key once when asked, and keeps it', async () => {
    const first = await resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: false, needsTemporalCodecKey: true });
    expect(first.temporalCodecKeys).toMatch(/^local1:[A-Za-z0-9+/]{43}=$/);
    expect(first.generated).toContain('temporalCodecKeys');
    const second = await resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: false, needsTemporalCodecKey: true });
    expect(second.temporalCodecKeys).toBe(first.temporalCodecKeys);
  });

  it('refuses a damaged secrets file rather than silently replacing keys merchants use', async () => {
    await fs.mkdir(dataDir, { recursive: true });
    await fs.writeFile(secretsFilePath(dataDir), '{ not json');
    await expect(resolveLocalSecrets({ dataDir, needsStripeWebhookSecret: true })).rejects.toThrow('secrets.json is not valid');
  });
});
