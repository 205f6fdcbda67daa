import type Stripe from 'stripe';
import { startHarness, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.control('/_sandbox/reset-switches', {});
});
afterAll(() => h.close());

interface Delivery {
  event_id: string;
  type: string;
  attempt: number;
  status_code?: number;
  error?: string;
  skipped?: string;
}

async function deliveries(): Promise<Delivery[]> {
  return ((await h.control('/_sandbox/deliveries')) as { data: Delivery[] }).data;
}

/** Event ids the sandbox recorded for a payment intent, oldest first. */
async function recordedEvents(piId: string): Promise<Stripe.Event[]> {
  const all = await h.stripe.events.list({ limit: 100 });
  return all.data.filter((e) => (e.data.object as { id?: string }).id === piId || (e.data.object as { payment_intent?: string }).payment_intent === piId).reverse();
}

function pay(): Promise<Stripe.PaymentIntent> {
  return h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
}

describe('Stripe sandbox: webhook switches', () => {
  test('GET shows the defaults and POST merges and validates', async () => {
    expect(await h.control('/_sandbox/webhooks')).toEqual({ webhook_url: h.receiver.url, deliver: true, delay_ms: 0, duplicate: false, reorder: false, drop_next: 0 });
    expect(await h.control('/_sandbox/webhooks', { duplicate: true })).toMatchObject({ duplicate: true, deliver: true });
    const bad = await fetch(`${h.sandbox.url}/_sandbox/webhooks`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"delay_ms":-1}' });
    expect(bad.status).toBe(400);
    expect(await h.control('/_sandbox/reset-switches', {})).toMatchObject({ duplicate: false });
  });

  test('deliver=false records events but never delivers them, even after turning delivery back on', async () => {
    await h.control('/_sandbox/webhooks', { deliver: false });
    const lost = await pay();
    await h.control('/_sandbox/webhooks', { deliver: true });
    const marker = await pay();
    await waitFor(() => h.receiver.eventsFor(marker.id).length >= 3, 'webhooks after delivery resumed');
    expect(h.receiver.eventsFor(lost.id)).toEqual([]);
    const recorded = await recordedEvents(lost.id);
    expect(recorded.map((e) => e.type)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    expect(recorded.every((e) => e.pending_webhooks === 0)).toBe(true);
    const log = await deliveries();
    expect(recorded.every((e) => log.some((d) => d.event_id === e.id && d.skipped === 'deliver_false'))).toBe(true);
  });

  test('duplicate=true delivers every event twice', async () => {
    await h.control('/_sandbox/webhooks', { duplicate: true });
    const pi = await pay();
    const received = await waitFor(() => {
      const events = h.receiver.eventsFor(pi.id);
      return events.length >= 6 && events;
    }, 'duplicated webhooks');
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of new Set(ids)) expect(ids.filter((x) => x === id)).toHaveLength(2);
  });

  test('reorder=true delivers one operation\'s events in reverse order', async () => {
    await h.control('/_sandbox/webhooks', { reorder: true });
    const pi = await pay();
    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 3 && seen;
    }, 'reordered webhooks');
    expect(types).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'payment_intent.created']);
  });

  test('drop_next=N drops exactly the next N events', async () => {
    await h.control('/_sandbox/webhooks', { drop_next: 2 });
    const pi = await pay();
    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 1 && seen;
    }, 'surviving webhook');
    const marker = await pay();
    await waitFor(() => h.receiver.eventsFor(marker.id).length >= 3, 'marker webhooks');
    expect(h.receiver.eventsFor(pi.id).map((e) => e.type)).toEqual(['payment_intent.succeeded']);
    expect(types).toEqual(['payment_intent.succeeded']);
    expect(((await h.control('/_sandbox/webhooks')) as { drop_next: number }).drop_next).toBe(0);
  });

  test('delay_ms holds deliveries back while the API answers at once', async () => {
    await h.control('/_sandbox/webhooks', { delay_ms: 1500 });
    const pi = await pay();
    // The API answered and recorded the events; nothing can have been delivered yet.
    expect((await recordedEvents(pi.id)).length).toBe(3);
    expect(h.receiver.eventsFor(pi.id)).toEqual([]);
    expect(await h.control('/_sandbox/webhooks')).toMatchObject({ delay_ms: 1500 });
    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 3 && seen;
    }, 'delayed webhooks');
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
  });

  test('a delivery answered with 500 is retried until it succeeds', async () => {
    h.receiver.scriptedStatuses.push(500, 503);
    const pi = await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    const event = await waitFor(() => h.receiver.eventsFor(pi.id)[0], 'retried webhook');
    expect(event.type).toBe('payment_intent.created');
    const attempts = (await deliveries()).filter((d) => d.event_id === event.id);
    expect(attempts.map((d) => [d.attempt, d.status_code])).toEqual([
      [1, 500],
      [2, 503],
      [3, 200],
    ]);
  });

  test('a connection error is retried too', async () => {
    h.sandbox.setWebhookUrl('http://127.0.0.1:9/unreachable');
    const pi = await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    await waitFor(async () => (await deliveries()).some((d) => d.type === 'payment_intent.created' && d.error && d.attempt === 1), 'failed attempt');
    h.sandbox.setWebhookUrl(h.receiver.url);
    const event = await waitFor(() => h.receiver.eventsFor(pi.id)[0], 'webhook after the receiver came back');
    const attempts = (await deliveries()).filter((d) => d.event_id === event.id);
    expect(attempts[0].error).toBeTruthy();
    expect(attempts[attempts.length - 1]).toMatchObject({ status_code: 200 });
    expect(attempts[attempts.length - 1].attempt).toBeGreaterThan(1);
  });
});
