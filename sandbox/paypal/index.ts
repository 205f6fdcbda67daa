import https from 'node:https';
import type { AddressInfo } from 'node:net';
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
  /** What PAYPAL-CERT-URL says: the signing certificate's chain, served over HTTPS like PayPal's. */
  certUrl: string;
  /** The CA the signing chain and the HTTPS server chain up to: an engine configured for this sandbox trusts it. */
  caCertificatePem: string;
  setWebhookUrl(url: string | null): void;
  close(): Promise<void>; // stops deliveries, flushes state
}

/** Path of the certificate the sandbox signs webhooks with (plain HTTP, for people). */
export const CERT_PATH = '/_sandbox/certs/paypal.pem';
/** Where PAYPAL-CERT-URL points, on the HTTPS certificate server: PayPal's own path. */
export const HTTPS_CERT_PATH = '/v1/notifications/certs/CERT-durapay-sandbox';

/** PayPal serves its signing certificates over HTTPS; so does the sandbox, with a TLS certificate from its own CA. */
async function listenForCertificates(store: PayPalSandboxStore, host: string): Promise<{ port: number; close(): Promise<void> }> {
  const { tlsPrivateKeyPem, tlsCertificatePem, caCertificatePem } = store.signingKey;
  const server = https.createServer({ key: tlsPrivateKeyPem, cert: `${tlsCertificatePem}\n${caCertificatePem}` }, (request, response) => {
    if (request.method === 'GET' && request.url === HTTPS_CERT_PATH) {
      response.writeHead(200, { 'content-type': 'application/x-pem-file' });
      response.end(`${store.signingKey.certificatePem}\n${store.signingKey.caCertificatePem}`);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

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
  const certServer = await listenForCertificates(store, host);
  const certUrl = () => `https://${host.includes(':') ? `[${host}]` : host}:${certServer.port}${HTTPS_CERT_PATH}`;
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
    caCertificatePem: store.signingKey.caCertificatePem,
    setWebhookUrl(url) {
      delivery.setUrl(url);
    },
    close() {
      closing ??= (async () => {
        delivery.close();
        await server.close();
        await certServer.close();
        await store.flush();
      })();
      return closing;
    },
  };
}
