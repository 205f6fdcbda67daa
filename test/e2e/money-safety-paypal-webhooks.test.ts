import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

// Issue #9, item 4: a captured PayPal delivery can't be replayed, nor verified with a certificate from anywhere else.
let stack: TestStack;
let proxy: http.Server;
const captured: Array<{ headers: Record<string, string>; body: string }> = [];
/** Deliveries the eavesdropper keeps from the engine (answered 200 to PayPal): "the original never arrived". */
let intercept: (body: string) => boolean = () => false;

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
      if (intercept(body)) return void response.writeHead(200).end();
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
    expect(plainCertificate.status).toBe(401);
    expect(((await plainCertificate.json()) as any).error.code).toBe('webhook_signature_invalid');
  });
});

// ---- CRC-32 forging: PayPal signs only a CRC-32 of the body, so four chosen bytes make any body match a signature. ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const TOP_BYTE_INDEX = new Map(CRC_TABLE.map((value, index) => [value >>> 24, index]));
const crcState = (bytes: Buffer, state = 0xffffffff) => bytes.reduce((c, b) => ((c >>> 8) ^ CRC_TABLE[(c ^ b) & 0xff]) >>> 0, state);
/** The register state before `suffix` that ends at `final`: CRC-32 steps run backwards. */
function unwind(final: number, suffix: Buffer): number {
  let state = final;
  for (const byte of [...suffix].reverse()) {
    const index = TOP_BYTE_INDEX.get(state >>> 24)!;
    state = ((((state ^ CRC_TABLE[index]) << 8) | (index ^ byte)) >>> 0);
  }
  return state;
}
/** Four bytes taking the register from `from` to `to`. */
function patchBytes(from: number, to: number): Buffer {
  const indices: number[] = [];
  let state = to;
  for (let i = 0; i < 4; i += 1) {
    const index = TOP_BYTE_INDEX.get(state >>> 24)!;
    indices.unshift(index);
    state = ((state ^ CRC_TABLE[index]) << 8) >>> 0;
  }
  const bytes: number[] = [];
  let current = from;
  for (const index of indices) {
    bytes.push((current ^ index) & 0xff);
    current = ((current >>> 8) ^ CRC_TABLE[index]) >>> 0;
  }
  return Buffer.from(bytes);
}
/** A JSON body with the chosen fields whose CRC-32 equals `original`'s, by a printable four-character pad. */
function forgeSameCrc(original: string, fields: (nonce: number) => Record<string, unknown>): string {
  const target = (zlib.crc32(Buffer.from(original)) ^ 0xffffffff) >>> 0;
  for (let nonce = 0; nonce < 200_000; nonce += 1) {
    const json = JSON.stringify({ ...fields(nonce), pad: '@@@@' });
    const [prefix, suffix] = [Buffer.from(json.slice(0, json.lastIndexOf('@@@@'))), Buffer.from(json.slice(json.lastIndexOf('@@@@') + 4))];
    const pad = patchBytes(crcState(prefix), unwind(target, suffix));
    if ([...pad].every((b) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c)) return `${prefix.toString()}${pad.toString('latin1')}${suffix.toString()}`;
  }
  throw new Error('no printable pad found');
}

describe('a PayPal body forged to match a captured signature', () => {
  it('verifies (PayPal signs a CRC-32) but moves no money: the provider is asked before anything counts', async () => {
    // Payment A: €1 approved by its payer; its capture webhook is kept from the engine by the eavesdropper.
    const small = await stack.createPayment({ amount: 100, provider: 'paypal' });
    intercept = (body) => body.includes('PAYMENT.CAPTURE.COMPLETED') && body.includes(small.body.provider_payment_id!);
    const approval = await fetch(small.body.next_action!.redirect_to_url.url, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=approve', redirect: 'manual',
    });
    await fetch(approval.headers.get('location')!);
    const original = await waitFor(async () => captured.find((c) => intercept(c.body)), { what: "A's capture delivery" });

    // Payment B: €500, its payer has not approved anything.
    const big = await stack.createPayment({ amount: 50_000, provider: 'paypal' });
    expect(big.body.status).toBe('requires_action');
    const event = JSON.parse(original.body);
    const forged = forgeSameCrc(original.body, (nonce) => ({
      ...event, id: `WH-FORGED-${nonce}`,
      resource: {
        ...event.resource, custom_id: big.body.id, amount: { currency_code: 'EUR', value: '500.00' },
        supplementary_data: { related_ids: { order_id: big.body.provider_payment_id } },
      },
    }));
    expect(zlib.crc32(Buffer.from(forged))).toBe(zlib.crc32(Buffer.from(original.body)));

    const answer = await post(original.headers, forged);
    expect(answer.status).toBe(200);
    const forgedId = JSON.parse(forged).id as string;
    await waitFor(async () => (await stack.events(big.body.id)).find((e) => e.data?.provider_event_id === forgedId), { what: 'the forged event in B\'s history' });
    expect((await stack.getPayment(big.body.id)).status).toBe('requires_action');
    intercept = () => false;
  });
});
