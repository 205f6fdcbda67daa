import { randomBytes } from 'node:crypto';
import type { Refund } from '../../domain/refund';
import { isValidStructuredReference } from '../../domain/structured-reference';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

describe('cash and bank transfer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });
  const admin = (path: string, body: Record<string, unknown>) => stack.request<Refund>('POST', path, { body, key: stack.adminKey });

  it('gives bank-transfer instructions with a Belgian structured reference, then is marked paid', async () => {
    const created = await stack.createPayment({ amount: 12_500, payment_method_type: 'bank_transfer', description: 'Rent March' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', provider: 'offline', payment_method_type: 'bank_transfer', provider_payment_id: null });
    expect(created.body.instructions).toMatchObject({ type: 'bank_transfer', iban: 'BE68539007547034', bic: 'GEBABEBB', beneficiary: 'Durapay Test Merchant' });
    expect(isValidStructuredReference(created.body.instructions!.reference)).toBe(true);

    const byMerchant = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: {} });
    expect(byMerchant.status).toBe(403);
    const under = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: { received_amount: 12_000 }, key: stack.adminKey });
    expect(under.status).toBe(409);
    expect(under.body.error).toMatchObject({ code: 'amount_insufficient', param: 'received_amount' });
    expect((await stack.getPayment(created.body.id)).status).toBe('pending');

    const paid = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: { received_amount: 12_500, reference: created.body.instructions!.reference }, key: stack.adminKey });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ status: 'succeeded', amount_captured: 12_500 });
    const again = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: {}, key: stack.adminKey });
    expect(again.status).toBe(409);
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'status_changed', to_status: 'succeeded', actor: expect.stringContaining('api_key:admin_'), data: expect.objectContaining({ received_amount: 12_500 }) }));
    await recordHistory(stack.client, created.body.id, 'take-payment-bank-transfer-paid');
    await recordHistory(stack.client, created.body.id, 'take-payment-bank-transfer-paid-drained-before-close');
  });

  it('takes cash the same way, without bank details', async () => {
    const created = await stack.createPayment({ amount: 3000, payment_method_type: 'cash' });
    expect(created.body.instructions).toMatchObject({ type: 'cash', iban: null });
    const paid = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: {}, key: stack.adminKey });
    expect(paid.body.status).toBe('succeeded');
  });

  it('refunds a bank transfer by bank transfer: the customer is asked for an account, no provider is called', async () => {
    const customerId = `cus_${randomBytes(4).toString('hex')}`;
    const email = `${customerId}@customer.test`;
    await stack.request('POST', '/v1/customers', { body: { id: customerId, email, locale: 'en' } });
    const created = await stack.createPayment({ amount: 8000, payment_method_type: 'bank_transfer', customer_id: customerId });
    expect((await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: {}, key: stack.adminKey })).body.status).toBe('succeeded');
    const requested = await stack.request<Refund>('POST', `/v1/payments/${created.body.id}/refunds`, { body: { reason: 'requested_by_customer', amount: 3000 } });
    expect(requested.status).toBe(202);

    // Before: the refund asked a provider named 'offline', which doesn't exist, and retried for ever, so every step
    // on it waited for a workflow that never got there (503 refund_in_progress).
    const approved = await admin(`/v1/refunds/${requested.body.id}/approve`, { reason: 'Overpaid' });
    expect(approved.status).toBe(200);
    const asking = await waitFor(async () => {
      const refund = (await stack.request<Refund>('GET', `/v1/refunds/${requested.body.id}`)).body;
      return refund.status === 'requires_alternative_method' ? refund : undefined;
    }, { what: 'the refund to ask for a bank account' });
    expect(asking).toMatchObject({ provider_refund_id: null, failure_message: expect.stringContaining('bank transfer') });
    const ask = await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_alternative_method_needed');
    expect(ask.text).toContain('cash or by bank transfer');
    expect(ask.text).not.toContain('back to your card');

    const recorded = await stack.request<Refund>('POST', `/v1/refunds/${requested.body.id}/alternative-method`, { body: { iban: 'BE68539007547034', account_holder_name: 'Camille Dupont' } });
    expect(recorded.status).toBe(200);
    expect(recorded.body.status).toBe('awaiting_manual_transfer');
    const sent = await admin(`/v1/refunds/${requested.body.id}/mark-sent`, { reference: 'TRF-OFFLINE-1' });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('succeeded');
    expect(await stack.getPayment(created.body.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 3000 });
    const own = await stack.request('GET', `/v1/refunds/${requested.body.id}/events`);
    expect(own.body.data.map((e: { type: string }) => e.type)).toEqual([
      'refund.requested', 'refund.approved', 'refund.bank_transfer_needed', 'refund.alternative_method_recorded', 'refund.succeeded',
    ]);
    await recordHistory(stack.client, requested.body.id, 'refund-payment-bank-transfer-by-transfer');
  });
});

describe('unpaid offline payments', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // About two seconds, so the test sees the expiry.
    stack = await TestStack.start({ offlineExpiryDays: 2 / 86_400 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('cancels an unpaid bank transfer at expiry and tells the customer', async () => {
    const customerId = `cus_${randomBytes(4).toString('hex')}`;
    await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test`, locale: 'en' } });
    const created = await stack.createPayment({ amount: 5000, payment_method_type: 'bank_transfer', customer_id: customerId });
    const canceled = await stack.waitForPayment(created.body.id, (p) => p.status === 'canceled');
    expect(canceled.amount_captured).toBe(0);
    const mail = await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_expired');
    expect(mail.text).toContain('50.00');
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'cancel.requested', actor: 'workflow:offline_expiry' }));
    await recordHistory(stack.client, created.body.id, 'take-payment-bank-transfer-expired');
  });
});
