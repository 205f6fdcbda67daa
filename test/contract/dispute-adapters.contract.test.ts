import Stripe from 'stripe';
import { DISPUTE_STATUSES } from '../../domain/dispute';
import { fromWebhookBody } from '../../providers/paypal/paypal-webhook-events';
import { createStripeClient } from '../../providers/stripe/stripe-client';
import { StripeProvider } from '../../providers/stripe/stripe-provider';
import { testEnv } from '../support/test-env';

/** Each adapter turns its provider's dispute shapes into the one neutral ProviderDisputeState. */
describe('Stripe disputes', () => {
  const webhookSecret = 'whsec_contract_test';
  let provider: StripeProvider;
  beforeAll(() => {
    provider = new StripeProvider(createStripeClient({ secretKey: 'sk_test_123', apiBase: testEnv().stripeMockUrl }), webhookSecret, { mode: 'live' });
  });

  it('retrieves a dispute with accepted parameters (stripe-mock)', async () => {
    const dispute = await provider.getDispute('dp_123');
    expect(dispute.provider).toBe('stripe');
    expect(dispute.providerDisputeId).toMatch(/^dp_/);
    expect(DISPUTE_STATUSES).toContain(dispute.status);
    expect(typeof dispute.amount).toBe('number');
    expect(dispute.providerUrl).toMatch(/^https:\/\/dashboard\.stripe\.com\/disputes\/dp_/);
  });

  const signed = (type: string, object: Record<string, unknown>) => {
    const payload = JSON.stringify({ id: `evt_${type}`, object: 'event', type, created: 1_700_000_000, data: { object } });
    return provider.parseWebhook(Buffer.from(payload), { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) });
  };
  const dispute = (status: string) => ({
    id: 'dp_contract', object: 'dispute', amount: 1500, currency: 'eur', charge: 'ch_contract', payment_intent: 'pi_contract', reason: 'product_not_received',
    status, evidence_details: { due_by: 1_700_600_000 }, metadata: {},
  });

  it.each([
    ['charge.dispute.created', 'needs_response', 'needs_response'],
    ['charge.dispute.created', 'warning_needs_response', 'needs_response'],
    ['charge.dispute.updated', 'under_review', 'under_review'],
    ['charge.dispute.closed', 'won', 'won'],
    ['charge.dispute.closed', 'warning_closed', 'won'],
    ['charge.dispute.closed', 'lost', 'lost'],
  ])('%s with status %s means %s', (type, stripeStatus, status) => {
    const event = signed(type, dispute(stripeStatus));
    expect(event).toMatchObject({ providerPaymentId: 'pi_contract', state: null, refund: null });
    expect(event.dispute).toEqual({
      provider: 'stripe', providerDisputeId: 'dp_contract', providerPaymentId: 'pi_contract', paymentId: null, amount: 1500, currency: 'eur',
      reason: 'product_not_received', status, providerStatus: stripeStatus, evidenceDueBy: 1_700_600_000, providerUrl: 'https://dashboard.stripe.com/disputes/dp_contract',
    });
  });

  it('leaves other events without a dispute', () => {
    expect(signed('charge.succeeded', { id: 'ch_1', object: 'charge', status: 'succeeded', captured: true, payment_intent: 'pi_1', amount: 100, currency: 'eur', metadata: {} }).dispute).toBeNull();
  });
});

describe('PayPal disputes', () => {
  /** A webhook body as PayPal documents CUSTOMER.DISPUTE.* (Customer Disputes v1). */
  const body = (type: string, resource: Record<string, unknown>) => Buffer.from(JSON.stringify({
    id: `WH-${type}`, event_type: type, create_time: '2026-11-22T10:00:00Z', resource_type: 'dispute', resource,
  }));
  const resource = {
    dispute_id: 'PP-D-12345', create_time: '2026-11-22T10:00:00Z', update_time: '2026-11-22T10:00:00Z',
    disputed_transactions: [{ seller_transaction_id: '3BC38643YC807283D', custom: 'pay_contract', gross_amount: { currency_code: 'EUR', value: '30.00' } }],
    reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED', status: 'WAITING_FOR_SELLER_RESPONSE', dispute_amount: { currency_code: 'EUR', value: '25.50' },
    seller_response_due_date: '2026-12-02T10:00:00Z', dispute_life_cycle_stage: 'CHARGEBACK',
  };

  it('translates CUSTOMER.DISPUTE.CREATED', () => {
    const parsed = fromWebhookBody(body('CUSTOMER.DISPUTE.CREATED', resource), { disputeUrl: (id) => `https://paypal.example/${id}` });
    expect(parsed.disputedCaptureId).toBe('3BC38643YC807283D');
    expect(parsed.event).toMatchObject({ provider: 'paypal', paymentId: 'pay_contract', state: null, refund: null });
    expect(parsed.event.dispute).toEqual({
      provider: 'paypal', providerDisputeId: 'PP-D-12345', providerPaymentId: null, paymentId: 'pay_contract', amount: 2550, currency: 'eur',
      reason: 'product_not_received', status: 'needs_response', providerStatus: 'WAITING_FOR_SELLER_RESPONSE',
      evidenceDueBy: Date.parse('2026-12-02T10:00:00Z') / 1000, providerUrl: 'https://paypal.example/PP-D-12345',
    });
  });

  it.each([
    ['RESOLVED_SELLER_FAVOUR', 'won'],
    ['CANCELED_BY_BUYER', 'won'],
    ['RESOLVED_BUYER_FAVOUR', 'lost'],
    ['RESOLVED_WITH_PAYOUT', 'lost'],
  ])('CUSTOMER.DISPUTE.RESOLVED with %s means %s', (outcomeCode, status) => {
    const parsed = fromWebhookBody(body('CUSTOMER.DISPUTE.RESOLVED', { ...resource, status: 'RESOLVED', dispute_outcome: { outcome_code: outcomeCode } }));
    expect(parsed.event.dispute).toMatchObject({ status, providerStatus: `RESOLVED:${outcomeCode}` });
  });

  it('reads UNDER_REVIEW as under review and maps reasons onto Stripe words', () => {
    const parsed = fromWebhookBody(body('CUSTOMER.DISPUTE.UPDATED', { ...resource, status: 'UNDER_REVIEW', reason: 'UNAUTHORISED' }));
    expect(parsed.event.dispute).toMatchObject({ status: 'under_review', reason: 'fraudulent' });
  });
});
