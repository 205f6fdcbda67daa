import path from 'node:path';
import { startStripeSandbox } from './stripe';

/** Standalone sandbox for `npm run sandbox` and the `npm start` supervisor; configured from env. */
async function main(): Promise<void> {
  const log = (line: string): void => console.log(line);
  const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET?.trim();
  if (!webhookSecret || !webhookSecret.startsWith('whsec_')) {
    console.error('[stripe-sandbox] STRIPE_WEBHOOK_SECRET is required and must start with whsec_');
    process.exit(1);
  }
  const portText = process.env.STRIPE_SANDBOX_PORT?.trim() || '12112';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[stripe-sandbox] STRIPE_SANDBOX_PORT must be a port number, got ${JSON.stringify(portText)}`);
    process.exit(1);
  }
  const delayText = process.env.STRIPE_SANDBOX_SEPA_DELAY_SECONDS?.trim() || '3';
  const sepaDelaySeconds = Number(delayText);
  if (!Number.isFinite(sepaDelaySeconds) || sepaDelaySeconds < 0) {
    console.error(`[stripe-sandbox] STRIPE_SANDBOX_SEPA_DELAY_SECONDS must be a non-negative number, got ${JSON.stringify(delayText)}`);
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
  });
  log(`[stripe-sandbox] ready at ${sandbox.url}; webhooks -> ${webhookUrl ?? '(none)'}; state -> ${stateFile}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`[stripe-sandbox] ${signal} received, shutting down`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[stripe-sandbox] error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[stripe-sandbox] failed to start', error);
  process.exit(1);
});
