import Stripe from 'stripe';
import { createStripeClient } from '../../providers/stripe/stripe-client';
import { StripeProvider } from '../../providers/stripe/stripe-provider';
import { ProviderRequestError, WebhookVerificationError } from '../../providers/types';
import { testEnv } from '../support/test-env';

/**
 * stripe-mock validates every request against Stripe's OpenAPI description: a parameter the real API
 * would refuse fails here too. Its answers are fixtures, so only shapes are asserted.
 */
describe('Stripe adapter against stripe-mock', () => {
  const webhookSecret = 'whsec_contract_test';
  let provider: StripeProvider;
  beforeAll(() => {
    provider = new StripeProvider(createStripeClient({ secretKey: 'sk_test_123', apiBase: testEnv().stripeMockUrl }), webhookSecret);
  });

  it('creates and confirms a PaymentIntent with accepted parameters', async () => {
    const state = await provider.createPayment({
      paymentId: 'pay_contract1', paymentMethodType: 'card', providerCustomerId: null, mandateId: null, cancelUrl: 'https://merchant.example/cancel', amount: 2000, currency: 'eur', captureMethod: 'manual', paymentMethod: 'pm_card_visa',
      customerId: 'cus_merchant_1', description: 'Contract test', metadata: { order: '7' },
      returnUrl: 'https://merchant.example/return', idempotencyKey: 'pay_contract1:create',
    });
    expect(state.provider).toBe('stripe');
    expect(state.providerPaymentId).toMatch(/^pi_/);
    expect(['pending', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled']).toContain(state.status);
    expect(typeof state.amount).toBe('number');
  });

  it('retrieves, captures and cancels with accepted parameters', async () => {
    const fetched = await provider.getPayment('pi_123');
    expect(fetched.providerPaymentId).toMatch(/^pi_/);
    const captured = await provider.capture('pi_123', { amount: 1000, idempotencyKey: 'pay_contract1:capture' });
    expect(captured.providerPaymentId).toMatch(/^pi_/);
    const canceled = await provider.cancel('pi_123', { idempotencyKey: 'pay_contract1:cancel' });
    expect(canceled.providerPaymentId).toMatch(/^pi_/);
  });

  it('lists PaymentIntents in a created range, page by page', async () => {
    const page = await provider.listPayments({ from: 1_700_000_000, to: 1_900_000_000 }, null);
    expect(Array.isArray(page.items)).toBe(true);
    for (const item of page.items) expect(item.providerPaymentId).toMatch(/^pi_/);
    const next = await provider.listPayments({ from: 1_700_000_000, to: 1_900_000_000 }, 'pi_123');
    expect(Array.isArray(next.items)).toBe(true);
  });

  it('turns a request Stripe refuses into a ProviderRequestError', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_123', apiBase: testEnv().stripeMockUrl });
    const invalid = new StripeProvider(stripe, webhookSecret);
    // stripe-mock refuses a non-integer amount as Stripe does.
    await expect(
      invalid.createPayment({
        paymentId: 'pay_contract2', paymentMethodType: 'card', providerCustomerId: null, mandateId: null, cancelUrl: 'https://merchant.example/cancel', amount: 'ten' as unknown as number, currency: 'eur', captureMethod: 'automatic',
        paymentMethod: 'pm_card_visa', customerId: null, description: null, metadata: {}, returnUrl: 'https://merchant.example/return',
        idempotencyKey: 'pay_contract2:create',
      }),
    ).rejects.toBeInstanceOf(ProviderRequestError);
  });

  it('verifies and translates a signed webhook, refusing a tampered one', () => {
    const payload = JSON.stringify({
      id: 'evt_contract', object: 'event', type: 'payment_intent.succeeded', created: 1_700_000_000,
      data: { object: { id: 'pi_contract', object: 'payment_intent', status: 'succeeded', amount: 500, amount_received: 500, currency: 'eur', metadata: { durapay_payment_id: 'pay_contract3' }, last_payment_error: null, next_action: null, client_secret: 'pi_contract_secret_x' } },
    });
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
    const event = provider.parseWebhook(Buffer.from(payload), { 'stripe-signature': header });
    expect(event).toMatchObject({ provider: 'stripe', eventId: 'evt_contract', paymentId: 'pay_contract3', providerPaymentId: 'pi_contract' });
    expect(event.state).toMatchObject({ status: 'succeeded', amountCaptured: 500 });
    expect(() => provider.parseWebhook(Buffer.from(payload.replace('500', '501')), { 'stripe-signature': header })).toThrow(WebhookVerificationError);
    const stale = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(() => provider.parseWebhook(Buffer.from(payload), { 'stripe-signature': stale })).toThrow(WebhookVerificationError);
  });
});
