import Stripe from 'stripe';
import { startHarness, stripeErrorOf, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DECLINES: Array<[token: string, code: string, declineCode: string, message: string]> = [
  ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
  ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card', 'Your card was declined.'],
  ['pm_card_chargeDeclinedStolenCard', 'card_declined', 'stolen_card', 'Your card was declined.'],
  ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc', "Your card's security code is incorrect."],
  ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error', 'An error occurred while processing your card. Try again in a little bit.'],
];

describe('Stripe sandbox: declining test cards', () => {
  test.each(DECLINES)('%s is declined with %s / %s', async (token, code, declineCode, message) => {
    const error = await stripeErrorOf(
      h.stripe.paymentIntents.create({ amount: 1234, currency: 'usd', payment_method: token, confirm: true, metadata: { token } }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error.statusCode).toBe(402);
    expect(error.type).toBe('StripeCardError');
    expect(error.code).toBe(code);
    expect(error.decline_code).toBe(declineCode);
    expect(error.message).toBe(message);

    const pi = error.payment_intent as Stripe.PaymentIntent;
    expect(pi.id).toMatch(/^pi_/);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error).toMatchObject({ type: 'card_error', code, decline_code: declineCode, message });
    expect(pi.last_payment_error?.payment_method?.id).toMatch(/^pm_/);

    const stored = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(stored.status).toBe('requires_payment_method');
    expect(stored.last_payment_error?.decline_code).toBe(declineCode);

    const charge = await h.stripe.charges.retrieve(stored.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', paid: false, captured: false, failure_code: code, failure_message: message });
    expect(charge.outcome).toMatchObject({ type: 'issuer_declined', reason: declineCode, network_status: 'declined_by_network' });
    expect(charge.metadata).toEqual({ token });

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 3 && seen;
    }, 'decline webhooks');
    expect(types).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);
  });

  test('a declined intent can be retried with a good card', async () => {
    const error = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: true }));
    const pi = error.payment_intent as Stripe.PaymentIntent;
    const retried = await h.stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe('succeeded');
    expect(retried.last_payment_error).toBeNull();
  });

  test('off-session payments that need authentication are declined instead of challenged', async () => {
    const error = await stripeErrorOf(
      h.stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true, off_session: true }),
    );
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error.code).toBe('authentication_required');
    expect((error.payment_intent as Stripe.PaymentIntent).status).toBe('requires_payment_method');
  });
});
