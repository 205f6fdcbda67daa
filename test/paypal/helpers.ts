import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreatePaymentRequest, ProviderEvent } from '../../domain/provider-types';
import type { PayPalProvider } from '../../providers/paypal/paypal-provider';
import { createPayPalProvider } from '../../providers/registry';
import { startPayPalSandbox, type PayPalSandbox, type PayPalSandboxOptions } from '../../sandbox/paypal';
import { waitFor } from '../support/wait';

export const CLIENT_ID = 'test-paypal-client';
export const CLIENT_SECRET = 'test-paypal-secret';
export const WEBHOOK_ID = 'TESTWEBHOOK000001';

export interface ReceivedWebhook {
  raw: Buffer;
  headers: http.IncomingHttpHeaders;
  body: { id: string; event_type: string; resource: Record<string, unknown> };
}

/** Records every webhook as it arrived (raw body and headers), so tests can verify them with the adapter. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Status codes to answer with, one per request, before falling back to 200. */
  readonly scriptedStatuses: number[] = [];
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const status = this.scriptedStatuses.shift() ?? 200;
        if (status === 200) {
          const raw = Buffer.concat(chunks);
          this.received.push({ raw, headers: req.headers, body: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['body'] });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/paypal`;
    return this;
  }

  /** Webhooks of one type about an order (the order itself, or a capture of it). */
  about(orderId: string, eventType: string): ReceivedWebhook[] {
    return this.received.filter((w) => {
      const resource = w.body.resource as { id?: string; supplementary_data?: { related_ids?: { order_id?: string } } };
      return w.body.event_type === eventType && (resource.id === orderId || resource.supplementary_data?.related_ids?.order_id === orderId);
    });
  }

  waitFor(orderId: string, eventType: string, count = 1): Promise<ReceivedWebhook[]> {
    return waitFor(async () => (this.about(orderId, eventType).length >= count ? this.about(orderId, eventType) : undefined), {
      what: `${count} ${eventType} webhook(s) for ${orderId}`,
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export interface PayPalHarness {
  sandbox: PayPalSandbox;
  provider: PayPalProvider;
  receiver: WebhookReceiver;
  /** JSON to or from a /_sandbox control endpoint (GET without a body). */
  control(path: string, body?: unknown): Promise<unknown>;
  /** Submits the checkout page's form, as a payer's browser would; answers status and Location. */
  checkout(orderId: string, outcome: string): Promise<{ status: number; location: string | null }>;
  /** A raw REST call with a fresh access token, for what the adapter doesn't show. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  parse(webhook: ReceivedWebhook): Promise<ProviderEvent>;
  close(): Promise<void>;
}

export async function accessToken(baseUrl: string, id = CLIENT_ID, secret = CLIENT_SECRET): Promise<Response> {
  return fetch(`${baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
}

export async function startPayPalHarness(options: Partial<PayPalSandboxOptions> = {}): Promise<PayPalHarness> {
  const receiver = await new WebhookReceiver().start();
  const sandbox = await startPayPalSandbox({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    webhookId: WEBHOOK_ID,
    webhookUrl: receiver.url,
    log: () => undefined,
    ...options,
  });
  const provider = createPayPalProvider({
    clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookId: WEBHOOK_ID, mode: 'sandbox', apiBase: sandbox.url, certHosts: [],
  });
  return {
    sandbox,
    provider,
    receiver,
    async control(path, body) {
      const response = await fetch(`${sandbox.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    async checkout(orderId, outcome) {
      const response = await fetch(`${sandbox.url}/_sandbox/checkout/${orderId}`, {
        method: 'POST',
        body: new URLSearchParams({ outcome }),
        redirect: 'manual',
      });
      await response.arrayBuffer();
      return { status: response.status, location: response.headers.get('location') };
    },
    async api(method, path, body, headers = {}) {
      const { access_token: token } = (await (await accessToken(sandbox.url)).json()) as { access_token: string };
      const response = await fetch(`${sandbox.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    parse: (webhook) => Promise.resolve(provider.parseWebhook(webhook.raw, webhook.headers)),
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

let counter = 0;

/** A payment request as the engine makes it; each call gets a fresh payment id. */
export function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  const paymentId = `pay_paypal_${process.pid}_${Date.now()}_${counter++}`;
  return {
    paymentId,
    paymentMethodType: 'paypal',
    providerCustomerId: null,
    mandateId: null,
    amount: 2599,
    currency: 'eur',
    captureMethod: 'automatic',
    paymentMethod: 'paypal',
    customerId: null,
    description: 'Sandbox order',
    metadata: {},
    returnUrl: 'https://merchant.example/return/paypal',
    cancelUrl: 'https://merchant.example/cancel/paypal',
    idempotencyKey: `${paymentId}:create`,
    ...overrides,
  };
}
