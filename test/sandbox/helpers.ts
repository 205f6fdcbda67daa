import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeSandbox, type StripeSandbox, type StripeSandboxOptions } from '../../sandbox/stripe';

export const WEBHOOK_SECRET = 'whsec_sandbox_test_secret';
export const API_KEY = 'sk_test_durapay_sandbox';

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Polls until `check` returns a truthy value; generous timeout, no timing assertions. */
export async function waitFor<T>(check: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface ReceivedWebhook {
  event: Stripe.Event;
  raw: string;
}

/** A local webhook endpoint that verifies Stripe-Signature with the real SDK, like Durapay's API does. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly rejected: string[] = [];
  /** Status codes to answer with, one per request, before falling back to 200. */
  readonly scriptedStatuses: number[] = [];
  private readonly verifier = new Stripe(API_KEY);
  private server!: http.Server;
  url = '';

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const status = this.scriptedStatuses.shift();
        if (status !== undefined && status !== 200) {
          res.writeHead(status).end('scripted failure');
          return;
        }
        try {
          const event = this.verifier.webhooks.constructEvent(raw, String(req.headers['stripe-signature']), WEBHOOK_SECRET);
          this.received.push({ event, raw });
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}');
        } catch (error) {
          this.rejected.push(String(error));
          res.writeHead(400).end('bad signature');
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/stripe`;
    return this;
  }

  /** Events about one object (payment intent, charge or refund of it), in arrival order. */
  eventsFor(paymentIntentId: string): Stripe.Event[] {
    return this.received
      .map((r) => r.event)
      .filter((event) => {
        const object = event.data.object as unknown as { id?: string; payment_intent?: string };
        return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
      });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export interface SandboxHarness {
  sandbox: StripeSandbox;
  stripe: Stripe;
  receiver: WebhookReceiver;
  logs: string[];
  /** POST JSON to a /_sandbox control endpoint. */
  control(path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export function stripeClient(sandbox: StripeSandbox, apiKey = API_KEY): Stripe {
  return new Stripe(apiKey, { host: '127.0.0.1', port: sandbox.port, protocol: 'http', maxNetworkRetries: 0 });
}

export async function startHarness(options: Partial<StripeSandboxOptions> = {}): Promise<SandboxHarness> {
  const receiver = await new WebhookReceiver().start();
  const logs: string[] = [];
  const sandbox = await startStripeSandbox({
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: receiver.url,
    log: (line) => logs.push(line),
    ...options,
  });
  return {
    sandbox,
    stripe: stripeClient(sandbox),
    receiver,
    logs,
    async control(path, body) {
      const response = await fetch(`${sandbox.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** Catches the SDK error a call throws, failing the test if it doesn't throw. */
export async function stripeErrorOf(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the Stripe call to fail');
}
