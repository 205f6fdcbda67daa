import path from 'node:path';
import { closeOnSignals, portFromEnv, runStandalone } from './shared/standalone';
import { startStripeSandbox } from './stripe';

const TAG = 'stripe-sandbox';

/** Standalone sandbox for `npm run sandbox` and the `npm start` supervisor; configured from env. */
async function main(): Promise<void> {
  const log = (line: string): void => console.log(line);
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!webhookSecret || !webhookSecret.startsWith('whsec_')) {
    console.error('[stripe-sandbox] STRIPE_WEBHOOK_SECRET is required and must start with whsec_');
    process.exit(1);
  }
  const port = portFromEnv(TAG, 'STRIPE_SANDBOX_PORT', '12112');
  const delayText = process.env.STRIPE_SANDBOX_SEPA_DELAY_SECONDS?.trim() || '3';
  const sepaDelaySeconds = Number(delayText);
  if (!Number.isFinite(sepaDelaySeconds) || sepaDelaySeconds < 0) {
    console.error(`[stripe-sandbox] STRIPE_SANDBOX_SEPA_DELAY_SECONDS must be a non-negative number, got ${JSON.stringify(delayText)}`);
    process.exit(1);
  }
  const disputeDelaySeconds = Number(process.env.STRIPE_SANDBOX_DISPUTE_DELAY_SECONDS?.trim() || '3');
  if (!Number.isFinite(disputeDelaySeconds) || disputeDelaySeconds < 0) {
    console.error('[stripe-sandbox] STRIPE_SANDBOX_DISPUTE_DELAY_SECONDS must be a non-negative number');
    process.exit(1);
  }
  const dataDir = process.env.DATA_DIR?.trim() || '.data';
  const stateFile = path.resolve(dataDir, 'stripe-sandbox.json');
  const webhookUrl = process.env.STRIPE_SANDBOX_WEBHOOK_URL?.trim() || null;

  const sandbox = await startStripeSandbox({
    host: process.env.HOST?.trim() || '127.0.0.1',
    port,
    webhookSecret,
    webhookUrl,
    stateFile,
    log,
    sepaDelayMs: sepaDelaySeconds * 1000,
    disputeDelayMs: disputeDelaySeconds * 1000,
  });
  log(`[stripe-sandbox] ready at ${sandbox.url}; webhooks -> ${webhookUrl ?? '(none)'}; state -> ${stateFile}`);
  closeOnSignals(TAG, sandbox, log);
}

runStandalone(TAG, main);
