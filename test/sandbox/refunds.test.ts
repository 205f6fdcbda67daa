import Stripe from 'stripe';
import { startHarness, stripeErrorOf, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function paid(amount: number, token = 'pm_card_visa'): Promise<Stripe.PaymentIntent> {
  return h.stripe.paymentIntents.create({ amount, currency: 'usd', payment_method: token, confirm: true });
}

describe('Stripe sandbox: refunds', () => {
  test('a full refund by payment_intent refunds the whole charge', async () => {
    const pi = await paid(2000);
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id, reason: 'requested_by_customer', metadata: { why: 'test' } });
    expect(refund.id).toMatch(/^re_/);
    expect(refund).toMatchObject({ object: 'refund', amount: 2000, currency: 'usd', status: 'succeeded', payment_intent: pi.id, charge: pi.latest_charge, reason: 'requested_by_customer' });
    expect(refund.metadata).toEqual({ why: 'test' });
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(2000);
    expect(charge.refunded).toBe(true);

    const again = await stripeErrorOf(h.stripe.refunds.create({ payment_intent: pi.id }));
    expect(again.statusCode).toBe(400);
    expect(again.code).toBe('charge_already_refunded');
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe('succeeded');

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type).filter((t) => t.startsWith('refund') || t === 'charge.refunded');
      return seen.length >= 2 && seen;
    }, 'refund webhooks');
    expect(types).toEqual(['refund.created', 'charge.refunded']);
  });

  test('partial refunds add up and a refund above the remainder is refused', async () => {
    const pi = await paid(1000);
    const first = await h.stripe.refunds.create({ payment_intent: pi.id, amount: 300 });
    expect(first.amount).toBe(300);
    const tooLarge = await stripeErrorOf(h.stripe.refunds.create({ charge: pi.latest_charge as string, amount: 701 }));
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.code).toBe('amount_too_large');
    const rest = await h.stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(700);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(1000);
    const listed = await h.stripe.refunds.list({ payment_intent: pi.id });
    expect(listed.data.map((r) => r.id)).toEqual([rest.id, first.id]);
  });

  test('only succeeded payments can be refunded', async () => {
    const open = await h.stripe.paymentIntents.create({ amount: 1000, currency: 'usd' });
    const error = await stripeErrorOf(h.stripe.refunds.create({ payment_intent: open.id }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('charge_not_refundable');
  });

  test('pm_card_refundFail: the refund is pending, then turns failed with refund.failed', async () => {
    const pi = await paid(1200, 'pm_card_refundFail');
    expect(pi.status).toBe('succeeded');
    const refund = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(refund.status).toBe('pending');

    const failed = await waitFor(async () => {
      const current = await h.stripe.refunds.retrieve(refund.id);
      return current.status === 'failed' && current;
    }, 'refund to fail');
    expect(failed.failure_reason).toBe('expired_or_canceled_card');
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge.amount_refunded).toBe(0);
    expect(charge.refunded).toBe(false);

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.includes('refund.failed') && seen.includes('charge.refund.updated') && seen;
    }, 'refund failure webhooks');
    expect(types).toEqual(expect.arrayContaining(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']));
    const failedEvent = h.receiver.eventsFor(pi.id).find((e) => e.type === 'refund.failed');
    expect((failedEvent?.data.object as Stripe.Refund).status).toBe('failed');
    expect(failedEvent?.request?.id).toBeNull();
  });
});
