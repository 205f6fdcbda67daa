import Stripe from 'stripe';
import { startHarness, stripeErrorOf, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness({ sepaDelayMs: 200 });
});
afterAll(() => h.close());

const ACCEPTED_AT = 1_760_000_000;

interface SavedSepa {
  customer: Stripe.Customer;
  paymentMethod: Stripe.PaymentMethod;
  setupIntent: Stripe.SetupIntent;
  mandateId: string;
}

async function saveSepa(iban: string): Promise<SavedSepa> {
  const customer = await h.stripe.customers.create({ email: 'jenny@example.com', name: 'Jenny Rosen' });
  const paymentMethod = await h.stripe.paymentMethods.create({
    type: 'sepa_debit',
    sepa_debit: { iban },
    billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' },
  });
  const setupIntent = await h.stripe.setupIntents.create({
    customer: customer.id,
    payment_method: paymentMethod.id,
    confirm: true,
    usage: 'off_session',
    mandate_data: { customer_acceptance: { type: 'offline', accepted_at: ACCEPTED_AT } },
  });
  return { customer, paymentMethod, setupIntent, mandateId: setupIntent.mandate as string };
}

async function debit(saved: SavedSepa, extra: Partial<Stripe.PaymentIntentCreateParams> = {}): Promise<Stripe.PaymentIntent> {
  return h.stripe.paymentIntents.create({
    amount: 4900,
    currency: 'eur',
    customer: saved.customer.id,
    payment_method: saved.paymentMethod.id,
    mandate: saved.mandateId,
    confirm: true,
    ...extra,
  });
}

async function settled(id: string): Promise<Stripe.PaymentIntent> {
  return waitFor(async () => {
    const pi = await h.stripe.paymentIntents.retrieve(id);
    return pi.status !== 'processing' && pi;
  }, `${id} to settle`);
}

describe('Stripe sandbox: saving SEPA with a mandate', () => {
  test('a confirmed SetupIntent succeeds with an active multi-use mandate and attaches the method', async () => {
    const saved = await saveSepa('AT611904300234573201');
    expect(saved.setupIntent.id).toMatch(/^seti_/);
    expect(saved.setupIntent).toMatchObject({ status: 'succeeded', customer: saved.customer.id, payment_method: saved.paymentMethod.id, usage: 'off_session' });
    expect(saved.mandateId).toMatch(/^mandate_/);
    const mandate = await h.stripe.mandates.retrieve(saved.mandateId);
    expect(mandate).toMatchObject({ status: 'active', type: 'multi_use', payment_method: saved.paymentMethod.id });
    expect(mandate.customer_acceptance).toMatchObject({ type: 'offline', accepted_at: ACCEPTED_AT });
    expect((await h.stripe.paymentMethods.retrieve(saved.paymentMethod.id)).customer).toBe(saved.customer.id);
    expect((await h.stripe.setupIntents.retrieve(saved.setupIntent.id)).mandate).toBe(saved.mandateId);
  });

  test('online acceptance needs the IP address and user agent; a confirmation needs mandate_data', async () => {
    const customer = await h.stripe.customers.create({});
    const pm = await h.stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'FR1420041010050500013M02606' }, billing_details: { name: 'A', email: 'a@example.com' } });
    const noIp = await stripeErrorOf(
      h.stripe.setupIntents.create({ customer: customer.id, payment_method: pm.id, confirm: true, mandate_data: { customer_acceptance: { type: 'online' } } }),
    );
    expect(noIp.param).toBe('mandate_data[customer_acceptance][online]');
    const noMandate = await stripeErrorOf(h.stripe.setupIntents.create({ customer: customer.id, payment_method: pm.id, confirm: true }));
    expect(noMandate.param).toBe('mandate_data[customer_acceptance]');
    const online = await h.stripe.setupIntents.create({
      customer: customer.id,
      payment_method: pm.id,
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'online', online: { ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' } } },
    });
    expect(online.status).toBe('succeeded');
    const mandate = await h.stripe.mandates.retrieve(online.mandate as string);
    expect(mandate.customer_acceptance.online).toEqual({ ip_address: '203.0.113.7', user_agent: 'Mozilla/5.0' });
  });
});

describe('Stripe sandbox: SEPA debits', () => {
  test('a debit is processing with a pending charge, then succeeds after the delay', async () => {
    const saved = await saveSepa('DE89370400440532013000');
    const pi = await debit(saved, { payment_method_types: ['sepa_debit'] } as Partial<Stripe.PaymentIntentCreateParams>);
    expect(pi.status).toBe('processing');
    expect(pi.payment_method_types).toEqual(['sepa_debit']);
    const pending = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(pending).toMatchObject({ status: 'pending', paid: false, payment_method: saved.paymentMethod.id });
    expect(pending.payment_method_details?.sepa_debit).toMatchObject({ last4: '3000', country: 'DE', mandate: saved.mandateId });

    const done = await settled(pi.id);
    expect(done.status).toBe('succeeded');
    expect(done.amount_received).toBe(4900);
    expect((await h.stripe.charges.retrieve(pi.latest_charge as string)).status).toBe('succeeded');
    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.includes('payment_intent.succeeded') && seen;
    }, 'SEPA success webhooks');
    expect(types).toEqual(['payment_intent.created', 'payment_intent.processing', 'charge.pending', 'charge.succeeded', 'payment_intent.succeeded']);
  });

  test.each([
    ['DE62370400440532013001', 'insufficient_funds'],
    ['AT861904300235473202', 'insufficient_funds'],
    ['NL91ABNA0417164300', 'insufficient_funds'],
    ['DE65370400440000343434', 'charge_exceeds_source_limit'],
    ['DE27370400440000121212', 'charge_exceeds_weekly_limit'],
  ])('a debit from %s fails after the delay with %s', async (iban, code) => {
    const saved = await saveSepa(iban);
    const pi = await debit(saved);
    expect(pi.status).toBe('processing');
    const done = await settled(pi.id);
    expect(done.status).toBe('requires_payment_method');
    expect(done.last_payment_error?.code).toBe(code);
    const charge = await h.stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ status: 'failed', failure_code: code });
    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.includes('payment_intent.payment_failed') && seen;
    }, 'SEPA failure webhooks');
    expect(types.slice(-2)).toEqual(['charge.failed', 'payment_intent.payment_failed']);
  });

  test('SEPA takes EUR only, with or without payment_method_types', async () => {
    const saved = await saveSepa('BE62510007547061');
    const explicit = await stripeErrorOf(debit(saved, { currency: 'usd', payment_method_types: ['sepa_debit'] } as Partial<Stripe.PaymentIntentCreateParams>));
    expect(explicit.statusCode).toBe(400);
    expect(explicit.param).toBe('currency');
    const implicit = await stripeErrorOf(debit(saved, { currency: 'usd' }));
    expect(implicit.param).toBe('currency');
    const cardsOnly = await stripeErrorOf(debit(saved, { payment_method_types: ['card'] } as Partial<Stripe.PaymentIntentCreateParams>));
    expect(cardsOnly.code).toBe('payment_intent_incompatible_payment_method');
    const manual = await stripeErrorOf(debit(saved, { capture_method: 'manual' }));
    expect(manual.param).toBe('capture_method');
    const listed = await h.stripe.paymentIntents.list({ customer: saved.customer.id });
    expect(listed.data).toEqual([]);
  });

  test('the mandate must be active and belong to the method', async () => {
    const saved = await saveSepa('DE89370400440532013000');
    const other = await saveSepa('DE89370400440532013000');
    const foreign = await stripeErrorOf(debit(saved, { mandate: other.mandateId }));
    expect(foreign.code).toBe('payment_intent_mandate_invalid');
    const missing = await stripeErrorOf(debit(saved, { mandate: 'mandate_missing' }));
    expect(missing.statusCode).toBe(404);

    await h.stripe.paymentMethods.detach(saved.paymentMethod.id);
    expect((await h.stripe.mandates.retrieve(saved.mandateId)).status).toBe('inactive');
    const afterDetach = await stripeErrorOf(
      h.stripe.paymentIntents.create({ amount: 100, currency: 'eur', payment_method: saved.paymentMethod.id, mandate: saved.mandateId, confirm: true }),
    );
    expect(afterDetach.code).toBe('payment_intent_mandate_invalid');
  });

  test('without mandate the saved mandate is used; an unsaved method needs mandate_data', async () => {
    const saved = await saveSepa('DE89370400440532013000');
    const implicit = await debit(saved, { mandate: undefined });
    const charge = await h.stripe.charges.retrieve(implicit.latest_charge as string);
    expect(charge.payment_method_details?.sepa_debit?.mandate).toBe(saved.mandateId);

    const loose = await h.stripe.paymentMethods.create({ type: 'sepa_debit', sepa_debit: { iban: 'DE89370400440532013000' }, billing_details: { name: 'B', email: 'b@example.com' } });
    const refused = await stripeErrorOf(h.stripe.paymentIntents.create({ amount: 100, currency: 'eur', payment_method: loose.id, confirm: true }));
    expect(refused.param).toBe('mandate_data');
    const oneOff = await h.stripe.paymentIntents.create({
      amount: 100,
      currency: 'eur',
      payment_method: loose.id,
      confirm: true,
      mandate_data: { customer_acceptance: { type: 'offline' } },
    });
    expect(oneOff.status).toBe('processing');
    const oneOffCharge = await h.stripe.charges.retrieve(oneOff.latest_charge as string);
    const mandate = await h.stripe.mandates.retrieve(oneOffCharge.payment_method_details?.sepa_debit?.mandate as string);
    expect(mandate).toMatchObject({ type: 'single_use', single_use: { amount: 100, currency: 'eur' } });
  });
});
