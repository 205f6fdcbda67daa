import { lookup } from 'node:dns/promises';
import os from 'node:os';
import { isPublicAddress, namesPrivateHost, publicOnlyLookup } from '../../platform/public-network';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

describe('which addresses count as public', () => {
  it('refuses loopback, private, link-local (cloud metadata), carrier-grade NAT and unspecified addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1']) {
      expect(`${address}: ${isPublicAddress(address)}`).toBe(`${address}: false`);
    }
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700::1111']) expect(`${address}: ${isPublicAddress(address)}`).toBe(`${address}: true`);
  });

  it('recognizes a URL that names a private host before any lookup', () => {
    expect(namesPrivateHost('http://localhost:3000/hook')).toBe(true);
    expect(namesPrivateHost('http://api.localhost/hook')).toBe(true);
    expect(namesPrivateHost('http://[::1]:80/')).toBe(true);
    expect(namesPrivateHost('http://169.254.169.254/latest/meta-data')).toBe(true);
    expect(namesPrivateHost('https://hooks.example.com/durapay')).toBe(false);
  });

  it('answers a lookup only with public addresses, so a name that resolves to a private one is refused', async () => {
    const resolving = (addresses: string[]) => publicOnlyLookup((_host, _options, callback) => callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))));
    const ask = (lookupFn: ReturnType<typeof resolving>) => new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((resolve) => lookupFn('hooks.example.com', {}, (error, address) => resolve({ error, address })));
    expect(await ask(resolving(['93.184.216.34']))).toEqual({ error: null, address: '93.184.216.34' });
    const rebound = await ask(resolving(['93.184.216.34', '127.0.0.1']));
    expect(rebound.error?.code).toBe('EPRIVATEADDRESS');
  });
});

describe('merchant webhooks go to public addresses only, unless MERCHANT_WEBHOOK_TARGETS=any', () => {
  let stack: TestStack;
  let receiver: WebhookReceiver;
  const endpoints: string[] = [];
  beforeAll(async () => {
    stack = await TestStack.start({ webhookTargets: 'public', webhookRetryDelaysSeconds: [1] });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    for (const id of endpoints) await stack?.request('DELETE', `/v1/webhook-endpoints/${id}`);
    await stack?.stop();
    await receiver?.close();
  });

  it('records a refused attempt and sends nothing to this machine, by address or by name', async () => {
    const port = new URL(receiver.url).port;
    // The machine's own name resolves (through /etc/hosts or DNS) to one of its own, non-public addresses.
    const ownName = os.hostname();
    const ownNameIsPrivate = await lookup(ownName).then(({ address }) => !isPublicAddress(address), () => false);
    const urls = [`http://127.0.0.1:${port}/by-address`, `http://localhost:${port}/by-name`, ...(ownNameIsPrivate ? [`http://${ownName}:${port}/by-dns`] : [])];
    for (const url of urls) {
      const created = await stack.request('POST', '/v1/webhook-endpoints', { body: { url, enabled_events: ['payment.succeeded'] } });
      expect(created.status).toBe(201);
      endpoints.push(created.body.id);
    }
    const payment = await stack.createPayment({ amount: 1200, currency: 'eur', payment_method: 'pm_card_visa' });
    expect(payment.status).toBe(201);
    for (const id of endpoints) {
      const attempts = await waitFor(async () => {
        const listed = await stack.request('GET', `/v1/webhook-endpoints/${id}/deliveries`);
        const delivery = listed.body.data.find((d: { event_type?: string; status: string }) => d.status !== 'pending');
        return delivery;
      }, { timeoutMs: 60_000, what: `a finished delivery to ${id}` });
      expect(attempts.status).not.toBe('delivered');
    }
    const rows = await stack.db('webhook_delivery_attempts').join('webhook_deliveries', 'webhook_deliveries.id', 'webhook_delivery_attempts.delivery_id').whereIn('webhook_deliveries.endpoint_id', endpoints).select('webhook_delivery_attempts.error');
    expect(rows.length).toBeGreaterThanOrEqual(endpoints.length);
    for (const row of rows) expect(row.error).toMatch(/only public addresses are delivered to/);
    expect(receiver.received.length).toBe(0);
  });
});
