import Stripe from 'stripe';
import { startHarness, stripeClient, stripeErrorOf, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness({ webhookUrl: null });
});
afterAll(() => h.close());

async function paymentIntentCount(): Promise<number> {
  return (await h.stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 1000 })).length;
}

describe('Stripe sandbox: idempotency', () => {
  test('the same key and params replay the first answer without a second payment', async () => {
    const params = { amount: 1500, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, metadata: { order: 'idem-1' } };
    const before = await paymentIntentCount();
    const first = await h.stripe.paymentIntents.create(params, { idempotencyKey: 'order-idem-1' });
    const second = await h.stripe.paymentIntents.create(params, { idempotencyKey: 'order-idem-1' });
    expect(second.id).toBe(first.id);
    expect(second).toEqual(first);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(await paymentIntentCount()).toBe(before + 1);
    const events = await h.stripe.events.list({ type: 'payment_intent.succeeded', limit: 100 });
    expect(events.data.filter((e) => (e.data.object as Stripe.PaymentIntent).id === first.id)).toHaveLength(1);
    expect(events.data.find((e) => (e.data.object as Stripe.PaymentIntent).id === first.id)?.request?.idempotency_key).toBe('order-idem-1');
  });

  test('the same key with different params is an idempotency error', async () => {
    await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'order-idem-2' });
    const error = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 200, currency: 'usd' }, { idempotencyKey: 'order-idem-2' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect(error.statusCode).toBe(400);
    expect(error.message).toContain('order-idem-2');
  });

  test('a replayed decline is the same 402 and creates no new charge', async () => {
    const params = { amount: 300, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true };
    const first = await stripeErrorOf(h.stripe.paymentIntents.create(params, { idempotencyKey: 'order-idem-3' }));
    const second = await stripeErrorOf(h.stripe.paymentIntents.create(params, { idempotencyKey: 'order-idem-3' }));
    expect(second).toBeInstanceOf(Stripe.errors.StripeCardError);
    const firstPi = first.payment_intent as Stripe.PaymentIntent;
    expect((second.payment_intent as Stripe.PaymentIntent).id).toBe(firstPi.id);
    const charges = await h.stripe.charges.list({ payment_intent: firstPi.id });
    expect(charges.data).toHaveLength(1);
  });

  test('keys are scoped per API key', async () => {
    const other = stripeClient(h.sandbox, 'sk_test_another_merchant');
    const mine = await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'shared-key' });
    const theirs = await other.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'shared-key' });
    expect(theirs.id).not.toBe(mine.id);
  });

  test('actions on existing intents replay too', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' });
    const first = await h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 600 }, { idempotencyKey: 'capture-1' });
    const again = await h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 600 }, { idempotencyKey: 'capture-1' });
    expect(again.status).toBe('succeeded');
    expect(again.amount_received).toBe(first.amount_received);
    const captures = await h.stripe.events.list({ type: 'charge.captured', limit: 100 });
    expect(captures.data.filter((e) => (e.data.object as Stripe.Charge).payment_intent === pi.id)).toHaveLength(1);
  });
});
