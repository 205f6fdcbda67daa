import Stripe from 'stripe';
import { WEBHOOK_SECRET, startHarness, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('Stripe sandbox: events and webhook delivery', () => {
  test('every state change is an event with a snapshot of the object at that moment', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 3100, currency: 'usd', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true });
    await h.stripe.paymentIntents.capture(pi.id);

    const events = await h.stripe.events.list({ limit: 100 });
    const mine = events.data.filter((e) => {
      const object = e.data.object as { id?: string; payment_intent?: string };
      return object.id === pi.id || object.payment_intent === pi.id;
    });
    // Newest first, like every Stripe list.
    expect(mine.map((e) => e.type)).toEqual([
      'payment_intent.succeeded',
      'charge.captured',
      'payment_intent.amount_capturable_updated',
      'charge.succeeded',
      'payment_intent.created',
    ]);
    const created = mine[4];
    expect(created.id).toMatch(/^evt_/);
    expect(created).toMatchObject({ object: 'event', api_version: '2025-01-27.acacia', livemode: false, pending_webhooks: 1 });
    expect((created.data.object as Stripe.PaymentIntent).status).toBe('requires_confirmation');
    expect((mine[2].data.object as Stripe.PaymentIntent).status).toBe('requires_capture');
    expect(created.request?.id).toMatch(/^req_/);

    const one = await h.stripe.events.retrieve(mine[0].id);
    expect(one).toEqual(mine[0]);

    const onlyCharges = await h.stripe.events.list({ type: 'charge.*', limit: 100 });
    expect(onlyCharges.data.length).toBeGreaterThanOrEqual(2);
    expect(onlyCharges.data.every((e) => e.type.startsWith('charge.'))).toBe(true);
    const exact = await h.stripe.events.list({ type: 'charge.captured' });
    expect(exact.data.map((e) => e.type)).toEqual(['charge.captured']);
  });

  test('deliveries carry a Stripe-Signature the real SDK verifies, and the same body as /v1/events', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 990, currency: 'gbp', payment_method: 'pm_card_visa', confirm: true });
    const delivered = await waitFor(() => h.receiver.received.find((r) => r.event.type === 'payment_intent.succeeded' && (r.event.data.object as Stripe.PaymentIntent).id === pi.id), 'signed succeeded webhook');
    expect(h.receiver.rejected).toEqual([]);
    const stored = await h.stripe.events.retrieve(delivered.event.id);
    expect(delivered.event).toEqual(JSON.parse(JSON.stringify(stored)));

    // A wrong secret must not verify, so the receiver's check is real.
    const verifier = new Stripe('sk_test_x');
    const header = verifier.webhooks.generateTestHeaderString({ payload: delivered.raw, secret: WEBHOOK_SECRET });
    expect(() => verifier.webhooks.constructEvent(delivered.raw, header, 'whsec_wrong')).toThrow(Stripe.errors.StripeSignatureVerificationError);

    const deliveries = (await h.control('/_sandbox/deliveries')) as { data: Array<{ event_id: string; status_code?: number; attempt: number }> };
    expect(deliveries.data.find((d) => d.event_id === delivered.event.id)).toMatchObject({ status_code: 200, attempt: 1 });
  });

  test('setWebhookUrl(null) stops deliveries; events are still recorded', async () => {
    h.sandbox.setWebhookUrl(null);
    try {
      const pi = await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
      const events = await h.stripe.events.list({ type: 'payment_intent.created', limit: 5 });
      expect(events.data[0].data.object).toMatchObject({ id: pi.id });
      expect(events.data[0].pending_webhooks).toBe(0);
      await waitFor(async () => {
        const log = (await h.control('/_sandbox/deliveries')) as { data: Array<{ event_id: string; skipped?: string }> };
        return log.data.some((d) => d.event_id === events.data[0].id && d.skipped === 'no_webhook_url');
      }, 'skipped delivery record');
      expect(h.receiver.eventsFor(pi.id)).toEqual([]);
    } finally {
      h.sandbox.setWebhookUrl(h.receiver.url);
    }
  });
});
