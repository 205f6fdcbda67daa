import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { generateCodecKey } from './payload-codec';

/** The API key the local Stripe sandbox accepts; not a secret, the sandbox moves no money. */
export const STRIPE_SANDBOX_API_KEY = 'sk_test_durapay_sandbox';

/** The local PayPal sandbox's client credentials and webhook id; not secrets either, for the same reason. */
export const PAYPAL_SANDBOX_CREDENTIALS = {
  clientId: 'durapay-paypal-sandbox-client',
  clientSecret: 'durapay-paypal-sandbox-secret',
  webhookId: 'DURAPAYSANDBOXWH1',
} as const;

const storedSecretsSchema = z.object({
  adminKey: z.string().min(16).optional(),
  merchantKey: z.string().min(16).optional(),
  stripeWebhookSecret: z.string().startsWith('whsec_').optional(),
  /** The embedded engine's payload encryption key (TEMPORAL_CODEC_KEYS format). */
  temporalCodecKeys: z.string().min(10).optional(),
});
type StoredSecrets = z.infer<typeof storedSecretsSchema>;

export interface LocalSecretsOptions {
  dataDir: string;
  /** Values from the environment win and are never written to disk. */
  adminKey?: string;
  merchantKey?: string;
  stripeWebhookSecret?: string;
  /** Only the local Stripe sandbox needs a generated webhook secret; real Stripe supplies its own. */
  needsStripeWebhookSecret: boolean;
  /** From TEMPORAL_CODEC_KEYS; otherwise, when needed, one is generated and kept, so histories stay readable across restarts. */
  temporalCodecKeys?: string;
  needsTemporalCodecKey?: boolean;
}

export interface LocalSecrets {
  adminKey: string;
  merchantKey: string;
  stripeWebhookSecret?: string;
  temporalCodecKeys?: string;
  /** Which of the values were generated on this call (so the caller can say so). */
  generated: (keyof StoredSecrets)[];
}

/** 32 random URL-safe characters after `prefix`. */
export function generateSecret(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}

export function secretsFilePath(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

/**
 * Fills in unset keys from `${dataDir}/secrets.json`, generating and saving (mode 0600) any that are missing,
 * so a restart keeps the same keys and the merchant's integration keeps working.
 */
export async function resolveLocalSecrets(options: LocalSecretsOptions): Promise<LocalSecrets> {
  const file = secretsFilePath(options.dataDir);
  const stored = await readStoredSecrets(file);
  const generated: (keyof StoredSecrets)[] = [];
  const fill = (name: keyof StoredSecrets, prefix: string): string => {
    const existing = stored[name];
    if (existing) return existing;
    generated.push(name);
    return (stored[name] = generateSecret(prefix));
  };

  const adminKey = options.adminKey ?? fill('adminKey', 'dp_admin_');
  const merchantKey = options.merchantKey ?? fill('merchantKey', 'dp_merchant_');
  const stripeWebhookSecret =
    options.stripeWebhookSecret ?? (options.needsStripeWebhookSecret ? fill('stripeWebhookSecret', 'whsec_') : undefined);
  let temporalCodecKeys = options.temporalCodecKeys ?? stored.temporalCodecKeys;
  if (!temporalCodecKeys && options.needsTemporalCodecKey) {
    generated.push('temporalCodecKeys');
    temporalCodecKeys = stored.temporalCodecKeys = generateCodecKey('local1');
  }
  if (generated.length > 0) await writeStoredSecrets(file, stored);
  return { adminKey, merchantKey, stripeWebhookSecret, ...(temporalCodecKeys ? { temporalCodecKeys } : {}), generated };
}

async function readStoredSecrets(file: string): Promise<StoredSecrets> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = storedSecretsSchema.safeParse(json);
  // Regenerating silently would change keys that merchants already use; make the user decide.
  if (!parsed.success) throw new Error(`${file} is not valid; fix it, or delete it to generate new keys.`);
  return parsed.data;
}

async function writeStoredSecrets(file: string, secrets: StoredSecrets): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // Write-then-rename so a crash never leaves a half-written file; 0600 because these are credentials.
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  await fs.chmod(temporary, 0o600);
  await fs.rename(temporary, file);
}
