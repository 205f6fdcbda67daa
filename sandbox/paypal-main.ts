import path from 'node:path';
import { PAYPAL_SANDBOX_CREDENTIALS } from '../platform/local-secrets';
import { startPayPalSandbox } from './paypal';

/** Standalone PayPal sandbox for the `npm start` supervisor (or `tsx sandbox/paypal-main.ts`); configured from env. */
async function main(): Promise<void> {
  const log = (line: string): void => console.log(line);
  const env = (name: string): string | undefined => process.env[name]?.trim() || undefined;
  const portText = env('PAYPAL_SANDBOX_PORT') ?? '12113';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[paypal-sandbox] PAYPAL_SANDBOX_PORT must be a port number, got ${JSON.stringify(portText)}`);
    process.exit(1);
  }
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

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`[paypal-sandbox] ${signal} received, shutting down`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[paypal-sandbox] error while closing', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[paypal-sandbox] failed to start', error);
  process.exit(1);
});
