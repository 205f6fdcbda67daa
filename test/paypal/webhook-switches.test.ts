import { waitFor } from '../support/wait';
import { paymentRequest, startPayPalHarness, type PayPalHarness } from './helpers';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterEach(async () => {
  await h.control('/_sandbox/reset-switches', {});
});
afterAll(() => h.close());

interface Delivery {
  event_id: string;
  event_type: string;
  attempt: number;
  status_code?: number;
  skipped?: string;
}

const deliveries = async () => ((await h.control('/_sandbox/deliveries')) as { data: Delivery[] }).data;

/** Creates and approves an order: one CHECKOUT.ORDER.APPROVED event. */
async function approvedOrder(): Promise<string> {
  const { providerPaymentId } = await h.provider.createPayment(paymentRequest());
  await h.checkout(providerPaymentId, 'approve');
  return providerPaymentId;
}

describe('PayPal sandbox: webhook switches', () => {
  test('GET shows the defaults; POST merges and validates', async () => {
    expect(await h.control('/_sandbox/webhooks')).toEqual({ webhook_url: h.receiver.url, deliver: true, delay_ms: 0, duplicate: false, drop_next: 0 });
    expect(await h.control('/_sandbox/webhooks', { duplicate: true, delay_ms: 5 })).toMatchObject({ duplicate: true, delay_ms: 5, deliver: true });
    for (const bad of [{ delay_ms: -1 }, { deliver: 'yes' }, { reorder: true }]) {
      const response = await fetch(`${h.sandbox.url}/_sandbox/webhooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(bad) });
      expect(response.status).toBe(400);
    }
  });

  test('deliver=false loses the event; deliveries say so', async () => {
    await h.control('/_sandbox/webhooks', { deliver: false });
    const lost = await approvedOrder();
    await h.control('/_sandbox/webhooks', { deliver: true });
    const marker = await approvedOrder();
    await h.receiver.waitFor(marker, 'CHECKOUT.ORDER.APPROVED');
    expect(h.receiver.about(lost, 'CHECKOUT.ORDER.APPROVED')).toEqual([]);
    expect((await deliveries()).filter((d) => d.skipped === 'deliver_false')).toHaveLength(1);
  });

  test('duplicate=true delivers an event twice, each a separately signed transmission that verifies', async () => {
    await h.control('/_sandbox/webhooks', { duplicate: true });
    const orderId = await approvedOrder();
    const [first, second] = await h.receiver.waitFor(orderId, 'CHECKOUT.ORDER.APPROVED', 2);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['paypal-transmission-id']).not.toBe(first.headers['paypal-transmission-id']);
    const events = await Promise.all([h.parse(first), h.parse(second)]);
    expect(events[1].eventId).toBe(events[0].eventId);
  });

  test('drop_next drops just the next events', async () => {
    await h.control('/_sandbox/webhooks', { drop_next: 1 });
    const dropped = await approvedOrder();
    const delivered = await approvedOrder();
    await h.receiver.waitFor(delivered, 'CHECKOUT.ORDER.APPROVED');
    expect(h.receiver.about(dropped, 'CHECKOUT.ORDER.APPROVED')).toEqual([]);
    expect(await h.control('/_sandbox/webhooks')).toMatchObject({ drop_next: 0 });
  });

  test('delay_ms still delivers', async () => {
    await h.control('/_sandbox/webhooks', { delay_ms: 50 });
    const orderId = await approvedOrder();
    await h.receiver.waitFor(orderId, 'CHECKOUT.ORDER.APPROVED');
  });

  test('a failed delivery is retried until the endpoint takes it', async () => {
    h.receiver.scriptedStatuses.push(500);
    const orderId = await approvedOrder();
    const [received] = await h.receiver.waitFor(orderId, 'CHECKOUT.ORDER.APPROVED');
    const attempts = await waitFor(async () => {
      const mine = (await deliveries()).filter((d) => d.event_id === received.body.id);
      return mine.length >= 2 ? mine : undefined;
    }, { what: 'two delivery attempts' });
    expect(attempts.map((d) => [d.attempt, d.status_code])).toEqual([[1, 500], [2, 200]]);
  });
});
