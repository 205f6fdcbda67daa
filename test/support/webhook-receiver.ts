import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait';

/** One request a merchant's backend received: the raw body as sent, so signatures can be checked over it. */
export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  event: { id: string; type: string; created: number; data: { object: Record<string, any> } };
}

/**
 * A real HTTP server standing in for merchants' backends: each path is one endpoint, answering 200 unless a test
 * set answers for it (one status per request, in order, then 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripted = new Map<string, number[]>();
  private server!: http.Server;
  url = '';

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const path = request.url ?? '/';
        receiver.received.push({ path, headers: request.headers, rawBody, event: JSON.parse(rawBody) });
        response.statusCode = receiver.scripted.get(path)?.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  answer(path: string, statuses: number[]): void {
    this.scripted.set(path, [...statuses]);
  }

  at(path: string, predicate: (hook: ReceivedWebhook) => boolean = () => true): ReceivedWebhook[] {
    return this.received.filter((hook) => hook.path === path && predicate(hook));
  }

  /** Resolves once `count` requests at the path match. */
  async waitFor(path: string, predicate: (hook: ReceivedWebhook) => boolean, count = 1, timeoutMs = 60_000): Promise<ReceivedWebhook[]> {
    return waitFor(async () => {
      const hooks = this.at(path, predicate);
      return hooks.length >= count ? hooks : undefined;
    }, { timeoutMs, what: `${count} webhook(s) at ${path}` });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
