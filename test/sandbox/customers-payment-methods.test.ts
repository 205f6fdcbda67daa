import Stripe from 'stripe';
import { startHarness, stripeErrorOf, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const SEPA_PARAMS = {
  type: 'sepa_debit',
  sepa_debit: { iban: 'DE89 3704 0044 0532 0130 00' },
  billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' },
} as const;

describe('Stripe sandbox: customers', () => {
  test('a customer is created once per idempotency key and can be read back', async () => {
    const params = { email: 'ada@example.com', name: 'Ada Lovelace', metadata: { durapay_customer_id: 'cust_1' } };
    const customer = await h.stripe.customers.create(params, { idempotencyKey: 'customer:cust_1' });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{24}$/);
    expect(customer).toMatchObject({ object: 'customer', email: 'ada@example.com', name: 'Ada Lovelace', metadata: { durapay_customer_id: 'cust_1' } });
    const again = await h.stripe.customers.create(params, { idempotencyKey: 'customer:cust_1' });
    expect(again.id).toBe(customer.id);
    const fetched = (await h.stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(fetched.email).toBe('ada@example.com');
    const missing = await stripeErrorOf(h.stripe.customers.retrieve('cus_nope'));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('resource_missing');
  });
});

describe('Stripe sandbox: payment methods', () => {
  test('a sepa_debit method shows bank details but never the IBAN', async () => {
    const pm = await h.stripe.paymentMethods.create(SEPA_PARAMS);
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.type).toBe('sepa_debit');
    expect(pm.sepa_debit).toMatchObject({ bank_code: '37040044', branch_code: '', country: 'DE', last4: '3000' });
    expect(pm.sepa_debit?.fingerprint).toMatch(/^\S{16}$/);
    expect(pm.billing_details).toMatchObject({ name: 'Jenny Rosen', email: 'jenny@example.com' });
    expect(pm.customer).toBeNull();
    const fetched = await h.stripe.paymentMethods.retrieve(pm.id);
    expect(JSON.stringify(fetched)).not.toContain('0532013000');
    const sameAccount = await h.stripe.paymentMethods.create(SEPA_PARAMS);
    expect(sameAccount.sepa_debit?.fingerprint).toBe(pm.sepa_debit?.fingerprint);
  });

  test.each([
    ['DE89370400440532013001', 'a wrong check digit'],
    ['US89370400440532013000', 'a country outside SEPA'],
    ['DE8937040044053201300', 'the wrong length'],
  ])('%s (%s) is refused as an invalid IBAN', async (iban) => {
    const error = await stripeErrorOf(h.stripe.paymentMethods.create({ ...SEPA_PARAMS, sepa_debit: { iban } }));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('invalid_bank_account_iban');
    expect(error.param).toBe('sepa_debit[iban]');
    expect(error.message).not.toContain(iban);
  });

  test('SEPA methods need the account holder name and email', async () => {
    const noName = await stripeErrorOf(h.stripe.paymentMethods.create({ ...SEPA_PARAMS, billing_details: { email: 'x@example.com' } }));
    expect(noName.param).toBe('billing_details[name]');
    const noEmail = await stripeErrorOf(h.stripe.paymentMethods.create({ ...SEPA_PARAMS, billing_details: { name: 'X' } }));
    expect(noEmail.param).toBe('billing_details[email]');
    expect(noEmail.code).toBe('parameter_missing');
  });

  test('a test token reads as a card PaymentMethod', async () => {
    const pm = await h.stripe.paymentMethods.retrieve('pm_card_mastercard');
    expect(pm.type).toBe('card');
    expect(pm.card).toMatchObject({ brand: 'mastercard', last4: '4444', country: 'US' });
    expect(pm.card?.exp_year).toBeGreaterThan(new Date().getUTCFullYear());
    expect((await stripeErrorOf(h.stripe.paymentMethods.retrieve('pm_unknown'))).statusCode).toBe(404);
  });

  test('attaching a token makes a new method for the customer that keeps the token behaviour', async () => {
    const customer = await h.stripe.customers.create({ email: 'card@example.com' });
    const visa = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(visa.id).toMatch(/^pm_/);
    expect(visa.id).not.toBe('pm_card_visa');
    expect(visa).toMatchObject({ type: 'card', customer: customer.id, card: { brand: 'visa', last4: '4242' } });
    const paid = await h.stripe.paymentIntents.create({ amount: 1200, currency: 'eur', customer: customer.id, payment_method: visa.id, confirm: true });
    expect(paid.status).toBe('succeeded');

    const declining = await h.stripe.paymentMethods.attach('pm_card_chargeDeclinedInsufficientFunds', { customer: customer.id });
    const declined = await stripeErrorOf(
      h.stripe.paymentIntents.create({ amount: 1200, currency: 'eur', customer: customer.id, payment_method: declining.id, confirm: true }),
    );
    expect(declined.statusCode).toBe(402);
    expect(declined.decline_code).toBe('insufficient_funds');

    await waitFor(() => h.receiver.received.some((r) => r.event.type === 'payment_method.attached' && (r.event.data.object as Stripe.PaymentMethod).id === visa.id), 'payment_method.attached');
  });

  test('an attached method is refused without its customer and for an unknown customer', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const withoutCustomer = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 500, currency: 'eur', payment_method: pm.id, confirm: true }));
    expect(withoutCustomer.statusCode).toBe(400);
    expect(withoutCustomer.param).toBe('customer');
    const unknown = await stripeErrorOf(h.stripe.paymentMethods.attach('pm_card_visa', { customer: 'cus_missing' }));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.param).toBe('customer');
  });

  test('detach frees the method; detaching it again is refused as Stripe does', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const detached = await h.stripe.paymentMethods.detach(pm.id);
    expect(detached.customer).toBeNull();
    const twice = await stripeErrorOf(h.stripe.paymentMethods.detach(pm.id));
    expect(twice.statusCode).toBe(400);
    expect(twice.code).toBe('payment_method_unexpected_state');
  });

  test('list filters by customer and type, newest first', async () => {
    const customer = await h.stripe.customers.create({});
    const other = await h.stripe.customers.create({});
    const card = await h.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const sepa = await h.stripe.paymentMethods.attach((await h.stripe.paymentMethods.create(SEPA_PARAMS)).id, { customer: customer.id });
    await h.stripe.paymentMethods.attach('pm_card_amex', { customer: other.id });

    const all = await h.stripe.paymentMethods.list({ customer: customer.id });
    expect(all.data.map((pm) => pm.id)).toEqual([sepa.id, card.id]);
    const cards = await h.stripe.paymentMethods.list({ customer: customer.id, type: 'card' });
    expect(cards.data.map((pm) => pm.id)).toEqual([card.id]);
    await h.stripe.paymentMethods.detach(card.id);
    const left = await h.stripe.paymentMethods.list({ customer: customer.id });
    expect(left.data.map((pm) => pm.id)).toEqual([sepa.id]);
  });
});
