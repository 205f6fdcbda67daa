import { listen } from '../shared/http-server';
import { buildApp } from './app';
import type { PayPalSandboxCore } from './core';
import { PayPalSandboxStore } from './store';
import { createPayPalWebhookDelivery } from './webhook-delivery';
import { signedWebhookHeaders } from './webhook-signature';

export interface PayPalSandboxOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (a free port)
  clientId: string;
  clientSecret: string;
  /** The webhook id the deliveries are signed for (the engine's PAYPAL_WEBHOOK_ID). */
  webhookId: string;
  webhookUrl?: string | null; // where signed events are POSTed; null = recorded, not delivered
  stateFile?: string | null; // JSON file with every object and the signing key; loaded on start
  log?: (line: string) => void; // default console.log
}

export interface PayPalSandbox {
  url: string; // e.g. 'http://127.0.0.1:41234'
  port: number;
  /** What PAYPAL-CERT-URL says: the sandbox's self-signed webhook certificate. */
  certUrl: string;
  setWebhookUrl(url: string | null): void;
  close(): Promise<void>; // stops deliveries, flushes state
}

/** Path of the certificate the sandbox signs webhooks with. */
export const CERT_PATH = '/_sandbox/certs/paypal.pem';

/** Starts a local HTTP server that answers the PayPal SDK the way PayPal's sandbox does. */
export async function startPayPalSandbox(options: PayPalSandboxOptions): Promise<PayPalSandbox> {
  for (const key of ['clientId', 'clientSecret', 'webhookId'] as const) {
    if (!options[key]) throw new Error(`PayPal sandbox: ${key} is required`);
  }
  const host = options.host ?? '127.0.0.1';
  const sink = options.log ?? ((line: string) => console.log(line));
  const log = (line: string): void => sink(`[paypal-sandbox] ${line}`);

  const store = new PayPalSandboxStore(options.stateFile ?? null, (error) => log(`could not save state: ${String(error)}`));
  await store.load();
  let baseUrl = '';
  const certUrl = () => `${baseUrl}${CERT_PATH}`;
  const delivery = createPayPalWebhookDelivery(
    options.webhookUrl ?? null,
    (body) => signedWebhookHeaders({ body, webhookId: options.webhookId, certUrl: certUrl(), key: store.signingKey }),
    log,
  );
  const core: PayPalSandboxCore = {
    store,
    delivery,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    baseUrl: () => baseUrl,
    log,
  };

  const server = await listen(buildApp(core).callback(), host, options.port ?? 0);
  baseUrl = server.url;
  log(`Durapay PayPal sandbox listening on ${baseUrl} (not PayPal; no real money moves)`);

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port: server.port,
    certUrl: certUrl(),
    setWebhookUrl(url) {
      delivery.setUrl(url);
    },
    close() {
      closing ??= (async () => {
        delivery.close();
        await server.close();
        await store.flush();
      })();
      return closing;
    },
  };
}
