import Stripe from 'stripe';
import { API_KEY, startHarness, stripeClient, stripeErrorOf, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('Stripe sandbox: payment intents', () => {
  test('automatic capture with pm_card_visa succeeds with a captured charge', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 2500,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { order: 'o-1', attempt: '2' },
      description: 'Order o-1',
    });
    expect(pi.id).toMatch(/^pi_[A-Za-z0-9]{24}$/);
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(2500);
    expect(pi.amount_capturable).toBe(0);
    expect(pi.client_secret).toMatch(new RegExp(`^${pi.id}_secret_`));
    expect(pi.metadata).toEqual({ order: 'o-1', attempt: '2' });
    expect(pi.livemode).toBe(false);
    expect(pi.payment_method).toMatch(/^pm_/);

    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ object: 'charge', amount: 2500, amount_captured: 2500, captured: true, paid: true, status: 'succeeded', currency: 'eur', payment_intent: pi.id });
    expect(charge.metadata).toEqual({ order: 'o-1', attempt: '2' });
    expect(charge.payment_method_details?.card).toMatchObject({ brand: 'visa', last4: '4242', country: 'US' });
    expect(charge.outcome?.network_status).toBe('approved_by_network');

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 3 && seen;
    }, 'three webhooks');
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
  });

  test.each([
    ['pm_card_mastercard', 'mastercard', '4444'],
    ['pm_card_amex', 'amex', '8431'],
    ['pm_card_visa_debit', 'visa', '5556'],
  ])('%s succeeds as a %s ending %s', async (token, brand, last4) => {
    const pi = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: token, confirm: true });
    expect(pi.status).toBe('succeeded');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.payment_method_details?.card?.brand).toBe(brand);
    expect(charge.payment_method_details?.card?.last4).toBe(last4);
  });

  test('manual capture authorizes, then a partial capture sets amount_received', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 5000, currency: 'usd', payment_method: 'pm_card_mastercard', confirm: true, capture_method: 'manual' });
    expect(pi.status).toBe('requires_capture');
    expect(pi.amount_capturable).toBe(5000);
    expect(pi.amount_received).toBe(0);
    const authorized = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(authorized.captured).toBe(false);
    expect(authorized.paid).toBe(true);

    const tooMuch = await stripeErrorOf(h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 5001 }));
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.code).toBe('amount_too_large');

    const captured = await h.stripe.paymentIntents.capture(pi.id, { amount_to_capture: 3000 });
    expect(captured.status).toBe('succeeded');
    expect(captured.amount_received).toBe(3000);
    expect(captured.amount_capturable).toBe(0);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.captured).toBe(true);
    expect(charge.amount_captured).toBe(3000);

    const again = await stripeErrorOf(h.stripe.paymentIntents.capture(pi.id));
    expect(again.code).toBe('payment_intent_unexpected_state');

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 5 && seen;
    }, 'manual capture webhooks');
    expect(types).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.amount_capturable_updated', 'charge.captured', 'payment_intent.succeeded']);
  });

  test('create without confirm, update metadata, then confirm separately', async () => {
    const bare = await h.stripe.paymentIntents.create({ amount: 700, currency: 'usd' });
    expect(bare.status).toBe('requires_payment_method');
    const withPm = await h.stripe.paymentIntents.create({ amount: 700, currency: 'usd', payment_method: 'pm_card_visa' });
    expect(withPm.status).toBe('requires_confirmation');

    const updated = await h.stripe.paymentIntents.update(bare.id, { metadata: { a: '1', b: '2' }, description: 'later' });
    expect(updated.metadata).toEqual({ a: '1', b: '2' });
    const unset = await h.stripe.paymentIntents.update(bare.id, { metadata: { a: '' } });
    expect(unset.metadata).toEqual({ b: '2' });
    expect(unset.description).toBe('later');

    const confirmed = await h.stripe.paymentIntents.confirm(bare.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect((await h.stripe.paymentIntents.retrieve(bare.id)).status).toBe('succeeded');
    const expanded = await h.stripe.paymentIntents.retrieve(bare.id, { expand: ['latest_charge'] });
    expect((expanded.latest_charge as Stripe.Charge).amount_captured).toBe(700);
  });

  test('cancel is allowed before success and refused after', async () => {
    const open = await h.stripe.paymentIntents.create({ amount: 900, currency: 'usd' });
    const canceled = await h.stripe.paymentIntents.cancel(open.id, { cancellation_reason: 'abandoned' });
    expect(canceled.status).toBe('canceled');
    expect(canceled.cancellation_reason).toBe('abandoned');
    expect(typeof canceled.canceled_at).toBe('number');

    const held = await h.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual' });
    const released = await h.stripe.paymentIntents.cancel(held.id);
    expect(released.status).toBe('canceled');
    expect(released.amount_capturable).toBe(0);

    const paid = await h.stripe.paymentIntents.create({ amount: 900, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const refused = await stripeErrorOf(h.stripe.paymentIntents.cancel(paid.id));
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused.statusCode).toBe(400);
    expect(refused.code).toBe('payment_intent_unexpected_state');
    expect((await h.stripe.paymentIntents.retrieve(paid.id)).status).toBe('succeeded');
    await waitFor(() => h.receiver.eventsFor(open.id).some((e) => e.type === 'payment_intent.canceled'), 'canceled webhook');
  });

  test('invalid requests get Stripe-shaped errors', async () => {
    const missing = await stripeErrorOf(h.stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(missing.code).toBe('parameter_missing');
    expect(missing.param).toBe('amount');

    const notInt = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 10.5, currency: 'usd' }));
    expect(notInt.code).toBe('parameter_invalid_integer');

    const unknownPm = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 100, currency: 'usd', payment_method: 'pm_card_nope', confirm: true }));
    expect(unknownPm.statusCode).toBe(400);
    expect(unknownPm.code).toBe('resource_missing');
    expect(unknownPm.param).toBe('payment_method');
    expect(unknownPm.message).toBe("No such PaymentMethod: 'pm_card_nope'");

    const notFound = await stripeErrorOf(h.stripe.paymentIntents.retrieve('pi_doesnotexist000000000000'));
    expect(notFound.statusCode).toBe(404);
    expect(notFound.code).toBe('resource_missing');

    const badKey = await stripeErrorOf(stripeClient(h.sandbox, 'sk_live_nope').paymentIntents.list());
    expect(badKey).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(badKey.statusCode).toBe(401);
    expect(API_KEY.startsWith('sk_test_')).toBe(true);
  });

  test('the sandbox labels itself', async () => {
    const health = await fetch(`${h.sandbox.url}/healthz`);
    expect(health.headers.get('durapay-sandbox')).toBe('stripe');
    expect(await health.json()).toEqual({ ok: true, sandbox: 'stripe' });
    expect(h.logs.some((line) => line.startsWith('[stripe-sandbox] ') && line.includes(h.sandbox.url))).toBe(true);
  });
});
