import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

// Issue #9, item 4: a captured PayPal delivery can't be replayed, nor verified with a certificate from anywhere else.
let stack: TestStack;
let proxy: http.Server;
const captured: Array<{ headers: Record<string, string>; body: string }> = [];

beforeAll(async () => {
  stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
  // Between the PayPal sandbox and the engine: keeps a copy of every delivery, as an eavesdropper would.
  proxy = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => name.startsWith('paypal-') || name === 'content-type')) as Record<string, string>;
      captured.push({ headers, body });
      const forwarded = await fetch(`${stack.apiUrl}/webhooks/paypal`, { method: 'POST', headers, body });
      response.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(await forwarded.text());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  stack.paypal.setWebhookUrl(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`);
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await stack?.stop();
});

const post = (headers: Record<string, string>, body: string) => fetch(`${stack.apiUrl}/webhooks/paypal`, { method: 'POST', headers, body });

describe('PayPal webhook deliveries', () => {
  it('accepts a delivery once: a replay of the same transmission is acknowledged and neither stored nor applied again', async () => {
    const created = await stack.createPayment({ amount: 100, provider: 'paypal' });
    const approval = await fetch(created.body.next_action!.redirect_to_url.url, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=approve', redirect: 'manual',
    });
    await fetch(approval.headers.get('location')!);
    await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    const delivery = await waitFor(async () => captured.find((c) => c.body.includes('PAYMENT.CAPTURE.COMPLETED') && c.body.includes(created.body.provider_payment_id!)), { what: 'the capture delivery' });
    const eventId = JSON.parse(delivery.body).id as string;
    const stored = await waitFor(async () => stack.db('webhook_events').where({ provider: 'paypal', event_id: eventId }).first(), { what: 'the stored event' });
    expect(Number(stored.delivery_count)).toBe(1);

    const replayed = await post(delivery.headers, delivery.body);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({ received: true, duplicate: true });
    expect(Number((await stack.db('webhook_events').where({ provider: 'paypal', event_id: eventId }).first()).delivery_count)).toBe(1);

    // The same signed transmission pointing at a certificate served over plain HTTP (the sandbox's old URL): refused.
    const plainCertificate = await post({ ...delivery.headers, 'paypal-cert-url': `${stack.paypal.url}/_sandbox/certs/paypal.pem` }, delivery.body);
    expect(plainCertificate.status).toBe(400);
    expect(((await plainCertificate.json()) as any).error.code).toBe('webhook_signature_invalid');
  });
});
