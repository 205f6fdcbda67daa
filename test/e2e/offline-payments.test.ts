import { randomBytes } from 'node:crypto';
import { isValidStructuredReference } from '../../domain/structured-reference';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';

describe('cash and bank transfer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('gives bank-transfer instructions with a Belgian structured reference, then is marked paid', async () => {
    const created = await stack.createPayment({ amount: 12_500, payment_method_type: 'bank_transfer', description: 'Rent March' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending', provider: 'offline', payment_method_type: 'bank_transfer', provider_payment_id: null });
    expect(created.body.instructions).toMatchObject({ type: 'bank_transfer', iban: 'BE68539007547034', bic: 'GEBABEBB', beneficiary: 'Durapay Test Merchant' });
    expect(isValidStructuredReference(created.body.instructions!.reference)).toBe(true);

    const byMerchant = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: {} });
    expect(byMerchant.status).toBe(403);
    const under = await stack.request('PUT', `/v1/payments/${created.body.id}/succeeded`, { body: { received_amount: 12_000 }, key: stack.adminKey });
    expect(under.status).toBe(400);
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
