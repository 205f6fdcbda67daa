import { randomBytes } from 'node:crypto';
import { sandboxStripe } from '../support/sandbox-control';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

async function newCustomer(): Promise<string> {
  const id = `cus_${randomBytes(4).toString('hex')}`;
  await stack.request('POST', '/v1/customers', { body: { id, email: `${id}@customer.test`, name: 'Noor Janssens', locale: 'fr-BE' } });
  return id;
}

const saveCard = (customerId: string, token = 'pm_card_visa') => stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, provider: 'stripe', token } });

describe('the payment-method vault', () => {
  it('keeps tokens and display details only, and refuses raw card data', async () => {
    const customerId = await newCustomer();
    const saved = await saveCard(customerId);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ object: 'payment_method', customer_id: customerId, provider: 'stripe', type: 'card', brand: 'visa', last4: '4242', is_default: true, active: true });
    expect(saved.body.exp_month).toEqual(expect.any(Number));
    expect(saved.body.exp_year).toEqual(expect.any(Number));
    expect(saved.body.id).toMatch(/^dpm_/);
    const row = await stack.db('payment_methods').where({ id: saved.body.id }).first();
    expect(row.provider_method_id).toMatch(/^pm_/);
    expect(JSON.stringify(row)).not.toMatch(/4242424242424242/);

    const raw = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, provider: 'stripe', token: 'pm_card_visa', account_holder_name: '4242 4242 4242 4242' } });
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe('raw_card_data_rejected');
    const unknownCustomer = await saveCard('cus_nobody_here');
    expect(unknownCustomer.status).toBe(404);
  });

  it('keeps exactly one default under concurrent set-default calls', async () => {
    const customerId = await newCustomer();
    const ids: string[] = [];
    for (const token of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_visa', 'pm_card_mastercard']) ids.push((await saveCard(customerId, token)).body.id);
    const results = await Promise.all(ids.flatMap((id) => [1, 2, 3].map(() => stack.request('PUT', `/v1/payment-methods/${id}/set-default`, { body: {} }))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const listed = await stack.request('GET', `/v1/customers/${customerId}/payment-methods`);
    expect(listed.body.data).toHaveLength(4);
    expect(listed.body.data.filter((m: { is_default: boolean }) => m.is_default)).toHaveLength(1);
  });

  it('pays in one click with the default method, and refuses a deactivated one', async () => {
    const customerId = await newCustomer();
    const card = (await saveCard(customerId, 'pm_card_mastercard')).body;
    const paid = await stack.createPayment({ amount: 1500, customer_id: customerId, use_default_payment_method: true });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ status: 'succeeded', saved_payment_method_id: card.id, payment_method_type: 'card' });
    const byId = await stack.createPayment({ amount: 700, customer_id: customerId, payment_method: card.id });
    expect(byId.body.status).toBe('succeeded');

    const deactivated = await stack.request('PUT', `/v1/payment-methods/${card.id}/deactivate`, { body: {} });
    expect(deactivated.body).toMatchObject({ active: false, is_default: false });
    const refused = await stack.createPayment({ amount: 700, customer_id: customerId, payment_method: card.id });
    expect(refused.status).toBe(409);
    expect((refused.body as any).error.code).toBe('payment_method_inactive');
    const noDefault = await stack.createPayment({ amount: 700, customer_id: customerId, use_default_payment_method: true });
    expect(noDefault.status).toBe(409);
    expect((noDefault.body as any).error.code).toBe('no_default_payment_method');
  });

  it('detaches at the provider on delete', async () => {
    const customerId = await newCustomer();
    const card = (await saveCard(customerId)).body;
    const row = await stack.db('payment_methods').where({ id: card.id }).first();
    const deleted = await stack.request('DELETE', `/v1/payment-methods/${card.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.detached_at).toEqual(expect.any(String));
    const atProvider = await sandboxStripe(stack.sandbox).paymentMethods.retrieve(row.provider_method_id);
    expect(atProvider.customer).toBeNull();
    expect((await stack.request('GET', `/v1/customers/${customerId}/payment-methods`)).body.data).toHaveLength(0);
  });

  it('erases a customer even while the provider is briefly down, keeping the financial record', async () => {
    const customerId = await newCustomer();
    const card = (await saveCard(customerId)).body;
    const paid = await stack.createPayment({ amount: 990, customer_id: customerId, use_default_payment_method: true });
    const providerMethodId = (await stack.db('payment_methods').where({ id: card.id }).first()).provider_method_id;

    const port = stack.sandbox.port;
    await stack.sandbox.close();
    const erasure = await stack.request('DELETE', `/v1/customers/${customerId}`);
    expect(erasure.status).toBe(202);
    expect(erasure.body).toMatchObject({ object: 'customer_erasure', customer_id: customerId, status: 'in_progress' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await stack.db('customers').where({ id: customerId }).first()).anonymized_at).toBeNull();
    await stack.restartSandbox(port);

    const customer = await waitFor(async () => {
      const row = await stack.db('customers').where({ id: customerId }).first();
      return row.anonymized_at ? row : undefined;
    }, { what: 'the customer to be anonymized', timeoutMs: 60_000 });
    expect(customer).toMatchObject({ email: null, name: null });
    await recordHistory(stack.client, `erase-customer-${customerId}`, 'erase-customer-everywhere');
    expect((await sandboxStripe(stack.sandbox).paymentMethods.retrieve(providerMethodId)).customer).toBeNull();
    const kept = await stack.getPayment(paid.body.id);
    expect(kept).toMatchObject({ status: 'succeeded', amount: 990, customer_id: customerId });
    const again = await stack.request('DELETE', `/v1/customers/${customerId}`);
    expect(again.status).toBe(202);
  });
});
