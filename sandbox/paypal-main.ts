import path from 'node:path';
import { PAYPAL_SANDBOX_CREDENTIALS } from '../platform/local-secrets';
import { startPayPalSandbox } from './paypal';
import { closeOnSignals, portFromEnv, runStandalone } from './shared/standalone';

const TAG = 'paypal-sandbox';

/** Standalone PayPal sandbox for the `npm start` supervisor (or `tsx sandbox/paypal-main.ts`); configured from env. */
async function main(): Promise<void> {
  const log = (line: string): void => console.log(line);
  const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
  const port = portFromEnv(TAG, 'PAYPAL_SANDBOX_PORT', '12113');
  const stateFile = path.resolve(env('DATA_DIR') ?? '.data', 'paypal-sandbox.json');
  const webhookUrl = env('PAYPAL_SANDBOX_WEBHOOK_URL') ?? null;

  const sandbox = await startPayPalSandbox({
    host: env('HOST') ?? '127.0.0.1',
    port,
    clientId: env('PAYPAL_CLIENT_ID') ?? PAYPAL_SANDBOX_CREDENTIALS.clientId,
    clientSecret: env('PAYPAL_CLIENT_SECRET') ?? PAYPAL_SANDBOX_CREDENTIALS.clientSecret,
    webhookId: env('PAYPAL_WEBHOOK_ID') ?? PAYPAL_SANDBOX_CREDENTIALS.webhookId,
    webhookUrl,
    stateFile,
    log,
  });
  log(`[paypal-sandbox] ready at ${sandbox.url}; webhooks -> ${webhookUrl ?? '(none)'}; state -> ${stateFile}`);
  closeOnSignals(TAG, sandbox, log);
}

runStandalone(TAG, main);
