import { randomBytes } from 'node:crypto';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
});
afterAll(async () => {
  await stack?.stop();
});

async function ownerWithSepa(iban: string) {
  const customerId = `owner_${randomBytes(4).toString('hex')}`;
  await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@copro.test`, name: 'An Peeters', locale: 'fr' } });
  const saved = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, type: 'sepa_debit', iban, account_holder_name: 'An Peeters' } });
  return { customerId, saved };
}

describe('SEPA Direct Debit', () => {
  it('saves a mandate, keeping only tokens and the last digits, and the debit succeeds days (here: moments) later', async () => {
    const { customerId, saved } = await ownerWithSepa('DE89 3704 0044 0532 0130 00');
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ type: 'sepa_debit', last4: '3000', country: 'DE', is_default: true });
    expect(saved.body.mandate_id).toMatch(/^mandate_/);
    const row = await stack.db('payment_methods').where({ id: saved.body.id }).first();
    expect(JSON.stringify(row)).not.toContain('370400440532013000');

    const created = await stack.createPayment({ amount: 18_000, currency: 'eur', customer_id: customerId, payment_method: saved.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'processing', payment_method_type: 'sepa_debit', saved_payment_method_id: saved.body.id });
    const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    expect(done.amount_captured).toBe(18_000);
    await recordHistory(stack.client, created.body.id, 'take-payment-sepa-succeeded');
  });

  it('fails later with a specific code for a failing test IBAN', async () => {
    const failingIban = await ownerWithSepa('NL91ABNA0417164300');
    expect(failingIban.saved.status).toBe(201);
    const created = await stack.createPayment({ amount: 5000, currency: 'eur', customer_id: failingIban.customerId, payment_method: failingIban.saved.body.id });
    expect(created.body.status).toBe('processing');
    const failed = await stack.waitForPayment(created.body.id, (p) => p.status === 'failed');
    expect(failed.failure_code).toBe('insufficient_funds');
    expect(failed.failure_message).toMatch(/insufficient funds/);

    // The owner gives another account; a retry debits it, and the payment ends with that attempt's outcome.
    await stack.waitForWorkflowClosed(created.body.id);
    const other = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: failingIban.customerId, type: 'sepa_debit', iban: 'DE89 3704 0044 0532 0130 00', account_holder_name: 'An Peeters' } });
    expect(other.status).toBe(201);
    const retried = await stack.request('POST', `/v1/payments/${created.body.id}/retry`, { body: { payment_method: other.body.id } });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'processing', attempt_count: 2, saved_payment_method_id: other.body.id });
    const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    expect(done).toMatchObject({ amount_captured: 5000, failure_code: null });
    expect(done.previous_attempts).toEqual([expect.objectContaining({ attempt: 1, failure_code: 'insufficient_funds' })]);
  });

  it('refuses other currencies, manual capture and invalid IBANs before any provider call', async () => {
    const { customerId, saved } = await ownerWithSepa('FR1420041010050500013M02606');
    const usd = await stack.createPayment({ amount: 5000, currency: 'usd', customer_id: customerId, payment_method: saved.body.id });
    expect(usd.status).toBe(409);
    expect((usd.body as any).error).toMatchObject({ code: 'currency_not_supported', param: 'currency' });
    const manual = await stack.createPayment({ amount: 5000, currency: 'eur', customer_id: customerId, payment_method: saved.body.id, capture_method: 'manual' });
    expect(manual.status).toBe(409);
    const invalid = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, type: 'sepa_debit', iban: 'BE12 3456 7890 1234', account_holder_name: 'An Peeters' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_iban', param: 'iban' });
    const belgianTooShort = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, type: 'sepa_debit', iban: 'BE6251000754706', account_holder_name: 'An Peeters' } });
    expect(belgianTooShort.body.error.code).toBe('invalid_iban');
  });
});
