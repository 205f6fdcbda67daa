import type Stripe from 'stripe';
import type { CreatePaymentRequest } from '../../domain/provider-types';
import { createStripeClient } from '../../providers/stripe/stripe-client';
import { StripeProvider } from '../../providers/stripe/stripe-provider';
import { fromCharge } from '../../providers/stripe/stripe-transformers';
import { ProviderRequestError } from '../../providers/types';
import { API_KEY, startHarness, WEBHOOK_SECRET, waitFor, type SandboxHarness } from './helpers';

/** The Stripe adapter's vault and SEPA payments against the sandbox, where outcomes (unlike stripe-mock's) are real. */
let h: SandboxHarness;
let provider: StripeProvider;
beforeAll(async () => {
  h = await startHarness({ sepaDelayMs: 200 });
  provider = new StripeProvider(createStripeClient({ secretKey: API_KEY, apiBase: h.sandbox.url }), WEBHOOK_SECRET);
});
afterAll(() => h.close());

const vault = () => provider.vault;
let sequence = 0;
const uniqueId = (prefix: string) => `${prefix}_${Date.now()}_${++sequence}`;

function payment(overrides: Partial<CreatePaymentRequest>): CreatePaymentRequest {
  const paymentId = uniqueId('pay');
  return {
    paymentId, paymentMethodType: 'card', providerCustomerId: null, mandateId: null, amount: 2500, currency: 'eur', captureMethod: 'automatic',
    paymentMethod: 'pm_card_visa', customerId: null, description: null, metadata: {}, returnUrl: 'https://merchant.example/return',
    cancelUrl: 'https://merchant.example/cancel', idempotencyKey: `${paymentId}:create`, ...overrides,
  };
}

async function customerWithEmail(): Promise<{ customerId: string; providerCustomerId: string }> {
  const customerId = uniqueId('cust');
  return { customerId, providerCustomerId: await vault().ensureCustomer({ customerId, email: 'jenny@example.com', name: 'Jenny Rosen' }) };
}

describe('StripeVault against the sandbox', () => {
  test('ensureCustomer creates one customer per Durapay customer, tagged with its id', async () => {
    const customerId = uniqueId('cust');
    const first = await vault().ensureCustomer({ customerId, email: 'a@example.com', name: 'Ada' });
    const again = await vault().ensureCustomer({ customerId, email: 'a@example.com', name: 'Ada' });
    expect(again).toBe(first);
    const customer = (await h.stripe.customers.retrieve(first)) as Stripe.Customer;
    expect(customer.metadata).toEqual({ durapay_customer_id: customerId });
    expect(await vault().ensureCustomer({ customerId: uniqueId('cust'), email: null, name: null })).not.toBe(first);
  });

  test('saveCard keeps the new pm_ id and card details; a retry attaches nothing twice', async () => {
    const { providerCustomerId } = await customerWithEmail();
    const input = { token: 'pm_card_mastercard', providerCustomerId, idempotencyKey: uniqueId('dpm') };
    const saved = await vault().saveCard(input);
    expect(saved).toMatchObject({ type: 'card', brand: 'mastercard', last4: '4444', expMonth: 12, country: 'US', mandateId: null, bankCode: null });
    expect(saved.providerMethodId).toMatch(/^pm_/);
    expect(saved.providerMethodId).not.toBe('pm_card_mastercard');
    expect((await vault().saveCard(input)).providerMethodId).toBe(saved.providerMethodId);
    expect((await h.stripe.paymentMethods.list({ customer: providerCustomerId })).data).toHaveLength(1);
  });

  test('saveSepaDebit returns the mandate and bank details, using the customer email when none is given', async () => {
    const { providerCustomerId } = await customerWithEmail();
    const saved = await vault().saveSepaDebit({
      iban: 'FR14 2004 1010 0505 0001 3M02 606', accountHolderName: 'Jenny Rosen', email: null, providerCustomerId,
      idempotencyKey: uniqueId('dpm'), mandateAcceptedAt: '2026-01-02T03:04:05Z',
    });
    expect(saved).toMatchObject({ type: 'sepa_debit', brand: null, last4: '2606', bankCode: '20041', country: 'FR', expMonth: null });
    const mandate = await h.stripe.mandates.retrieve(saved.mandateId as string);
    expect(mandate).toMatchObject({ status: 'active', type: 'multi_use', payment_method: saved.providerMethodId });
    expect(mandate.customer_acceptance).toMatchObject({ type: 'offline', accepted_at: Date.parse('2026-01-02T03:04:05Z') / 1000 });
    const pm = await h.stripe.paymentMethods.retrieve(saved.providerMethodId);
    expect(pm).toMatchObject({ customer: providerCustomerId, billing_details: { email: 'jenny@example.com', name: 'Jenny Rosen' } });
  });

  test('an invalid IBAN is a ProviderRequestError naming the field', async () => {
    const { providerCustomerId } = await customerWithEmail();
    const attempt = vault().saveSepaDebit({
      iban: 'DE00370400440532013000', accountHolderName: 'J', email: 'j@example.com', providerCustomerId, idempotencyKey: uniqueId('dpm'), mandateAcceptedAt: new Date().toISOString(),
    });
    await expect(attempt).rejects.toMatchObject({ name: 'ProviderRequestError', code: 'invalid_bank_account_iban', param: 'sepa_debit[iban]' });
  });

  test('detach is idempotent but a method that does not exist is still an error', async () => {
    const { providerCustomerId } = await customerWithEmail();
    const saved = await vault().saveCard({ token: 'pm_card_visa', providerCustomerId, idempotencyKey: uniqueId('dpm') });
    await vault().detach(saved.providerMethodId);
    await vault().detach(saved.providerMethodId);
    expect((await h.stripe.paymentMethods.retrieve(saved.providerMethodId)).customer).toBeNull();
    await expect(vault().detach('pm_does_not_exist')).rejects.toBeInstanceOf(ProviderRequestError);
  });
});

describe('StripeProvider SEPA and saved-card payments against the sandbox', () => {
  async function savedSepa(iban: string) {
    const { providerCustomerId } = await customerWithEmail();
    const saved = await vault().saveSepaDebit({
      iban, accountHolderName: 'Jenny Rosen', email: 'jenny@example.com', providerCustomerId, idempotencyKey: uniqueId('dpm'), mandateAcceptedAt: new Date().toISOString(),
    });
    return { providerCustomerId, saved };
  }

  test('a SEPA payment is processing, then succeeded', async () => {
    const { providerCustomerId, saved } = await savedSepa('DE89370400440532013000');
    const state = await provider.createPayment(
      payment({ paymentMethodType: 'sepa_debit', paymentMethod: saved.providerMethodId, providerCustomerId, mandateId: saved.mandateId }),
    );
    expect(state).toMatchObject({ status: 'processing', providerStatus: 'processing', failure: null });
    const chargePending = await waitFor(() => h.receiver.eventsFor(state.providerPaymentId).find((e) => e.type === 'charge.pending'), 'charge.pending');
    expect(fromCharge(chargePending.data.object as Stripe.Charge)?.status).toBe('processing');
    const done = await waitFor(async () => {
      const current = await provider.getPayment(state.providerPaymentId);
      return current.status !== 'processing' && current;
    }, 'SEPA payment to settle');
    expect(done).toMatchObject({ status: 'succeeded', amountCaptured: 2500 });
  });

  test('a failing test IBAN ends failed with insufficient_funds, from the intent and from charge.failed', async () => {
    const { providerCustomerId, saved } = await savedSepa('AT861904300235473202');
    const state = await provider.createPayment(
      payment({ paymentMethodType: 'sepa_debit', paymentMethod: saved.providerMethodId, providerCustomerId, mandateId: saved.mandateId }),
    );
    expect(state.status).toBe('processing');
    const done = await waitFor(async () => {
      const current = await provider.getPayment(state.providerPaymentId);
      return current.status !== 'processing' && current;
    }, 'SEPA payment to fail');
    expect(done.status).toBe('failed');
    expect(done.failure).toMatchObject({ failure_code: 'insufficient_funds', provider_code: 'insufficient_funds' });
    const chargeFailed = await waitFor(() => h.receiver.eventsFor(state.providerPaymentId).find((e) => e.type === 'charge.failed'), 'charge.failed');
    expect(fromCharge(chargeFailed.data.object as Stripe.Charge)).toMatchObject({ status: 'failed', failure: { failure_code: 'insufficient_funds' } });
  });

  test('a SEPA payment in another currency is refused as a request error', async () => {
    const { providerCustomerId, saved } = await savedSepa('BE62510007547061');
    const attempt = provider.createPayment(
      payment({ paymentMethodType: 'sepa_debit', currency: 'usd', paymentMethod: saved.providerMethodId, providerCustomerId, mandateId: saved.mandateId }),
    );
    await expect(attempt).rejects.toMatchObject({ name: 'ProviderRequestError', param: 'currency' });
  });

  test('a saved card pays for its customer and keeps its test behaviour', async () => {
    const { providerCustomerId } = await customerWithEmail();
    const visa = await vault().saveCard({ token: 'pm_card_visa', providerCustomerId, idempotencyKey: uniqueId('dpm') });
    const paid = await provider.createPayment(payment({ paymentMethod: visa.providerMethodId, providerCustomerId }));
    expect(paid.status).toBe('succeeded');
    const declining = await vault().saveCard({ token: 'pm_card_chargeDeclinedExpiredCard', providerCustomerId, idempotencyKey: uniqueId('dpm') });
    const declined = await provider.createPayment(payment({ paymentMethod: declining.providerMethodId, providerCustomerId }));
    expect(declined.status).toBe('failed');
    expect(declined.failure?.failure_code).toBe('expired_card');
  });
});
