import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PAYMENT_METHOD_TYPES } from '../../domain/payment-method-choice';
import { capabilitiesOf, methodCapabilities, PROVIDER_CAPABILITIES, PROVIDER_NAMES, payerReturnUrls, providersWithPayerReturns, sendsPayerAway } from '../../providers/capabilities';
import { createProviders } from '../../providers/registry';

const urls = (provider: string, methodType: (typeof PAYMENT_METHOD_TYPES)[number]) =>
  payerReturnUrls({ publicUrl: 'https://pay.example', provider, methodType, paymentId: 'pay_1', merchantReturnUrl: 'https://shop.example/done' });

describe('provider capabilities: each provider folder declares what it can do', () => {
  it('declares every provider the engine knows, each method type once', () => {
    expect(PROVIDER_NAMES).toEqual(['stripe', 'paypal', 'offline']);
    for (const name of PROVIDER_NAMES) expect(capabilitiesOf(name).name).toBe(name);
    const owners = PAYMENT_METHOD_TYPES.map((type) => PROVIDER_NAMES.filter((name) => methodCapabilities(name, type)));
    // Cards and SEPA at Stripe, PayPal at PayPal, bank transfer and cash offline.
    expect(owners).toEqual([['stripe'], ['stripe'], ['paypal'], ['offline'], ['offline']]);
    expect(() => capabilitiesOf('adyen')).toThrow('Unknown payment provider: adyen');
  });

  it('is plain data that workflows may import: the descriptor files import nothing but types', () => {
    for (const file of ['capabilities.ts', 'stripe/stripe-capabilities.ts', 'paypal/paypal-capabilities.ts', 'offline/offline-capabilities.ts']) {
      const source = readFileSync(path.join(__dirname, '../../providers', file), 'utf8');
      const imports = source.split('\n').filter((line) => line.startsWith('import '));
      for (const line of imports) expect(line).toMatch(/^import (type |\{ [A-Z_]+_CAPABILITIES \} from '\.\/[a-z]+\/[a-z]+-capabilities')/);
    }
    expect(JSON.parse(JSON.stringify(PROVIDER_CAPABILITIES))).toEqual(PROVIDER_CAPABILITIES);
  });

  it('manual capture: cards and PayPal may wait for a capture, SEPA and offline methods may not; only cards capture partly', () => {
    expect(methodCapabilities('stripe', 'card')).toMatchObject({ manualCapture: true, partialCapture: true });
    expect(methodCapabilities('paypal', 'paypal')).toMatchObject({ manualCapture: true, partialCapture: false });
    expect(methodCapabilities('stripe', 'sepa_debit')).toMatchObject({ manualCapture: false, label: 'SEPA Direct Debit', currencies: ['eur'] });
    expect(methodCapabilities('offline', 'cash')?.manualCapture).toBe(false);
    expect(methodCapabilities('offline', 'bank_transfer')?.manualCapture).toBe(false);
  });

  it('redirects and capture on approval: only PayPal sends the payer away and captures what the payer approved', () => {
    expect(providersWithPayerReturns()).toEqual(['paypal']);
    expect(sendsPayerAway({ provider: 'paypal', payment_method_type: 'paypal' })).toBe(true);
    expect(sendsPayerAway({ provider: 'stripe', payment_method_type: 'card' })).toBe(false);
    expect(sendsPayerAway({ provider: 'offline', payment_method_type: 'cash' })).toBe(false);
    expect(methodCapabilities('paypal', 'paypal')?.captureOnApproval).toBe(true);
    expect(methodCapabilities('stripe', 'card')?.captureOnApproval).toBe(false);
  });

  it('payer returns: one place builds the links; redirect methods come back through the engine, others to the merchant', () => {
    expect(urls('paypal', 'paypal')).toEqual({ returnUrl: 'https://pay.example/return/paypal?payment_id=pay_1', cancelUrl: 'https://pay.example/cancel/paypal?payment_id=pay_1' });
    expect(urls('stripe', 'card')).toEqual({ returnUrl: 'https://shop.example/done', cancelUrl: 'https://pay.example/cancel/paypal?payment_id=pay_1' });
    expect(urls('offline', 'bank_transfer').returnUrl).toBe('https://shop.example/done');
  });

  it('offline: settled by the merchant, never retried, synced or polled; it gives the payer instructions', () => {
    expect(capabilitiesOf('offline')).toMatchObject({ settledBy: 'merchant', retriesFailedPayments: false, sync: null, pollsDisputes: false, importedMethodType: null });
    expect(methodCapabilities('offline', 'bank_transfer')?.payerInstructions).toBe(true);
    expect(methodCapabilities('stripe', 'card')?.payerInstructions).toBe(false);
    for (const name of ['stripe', 'paypal']) expect(capabilitiesOf(name)).toMatchObject({ settledBy: 'provider', retriesFailedPayments: true });
  });

  it('refund limits, sync and disputes: PayPal refuses refunds after 180 days, lists nothing by time and has no dispute read', () => {
    expect(capabilitiesOf('paypal')).toMatchObject({ refunds: { partial: true, providerWindowDays: 180 }, sync: { listsPayments: false }, pollsDisputes: false, importedMethodType: 'paypal' });
    expect(capabilitiesOf('stripe')).toMatchObject({ refunds: { partial: true, providerWindowDays: null }, sync: { listsPayments: true }, pollsDisputes: true, importedMethodType: 'card' });
  });

  it('each adapter links its payments for admins, outside the console (no provider names in api/)', () => {
    const sandbox = createProviders({ stripe: { secretKey: 'sk_test_x', webhookSecret: 'whsec_x', apiBase: 'http://127.0.0.1:12111/' } });
    expect(sandbox.stripe.paymentLink?.('pi_1')).toMatchObject({ href: 'http://127.0.0.1:12111/v1/payment_intents/pi_1', label: 'PaymentIntent in the Stripe sandbox' });
    const live = createProviders({ stripe: { secretKey: 'sk_live_x', webhookSecret: 'whsec_x', apiBase: undefined } });
    expect(live.stripe.paymentLink?.('pi_1')?.href).toBe('https://dashboard.stripe.com/payments/pi_1');
    expect(live.paypal.paymentLink?.('5O190127TN364715T')).toMatchObject({ href: 'https://www.sandbox.paypal.com/unifiedtransactions', note: 'search for order 5O190127TN364715T' });
  });

  it('the adapters agree with their descriptors', () => {
    const providers = createProviders({ stripe: { secretKey: undefined, webhookSecret: undefined, apiBase: undefined } });
    for (const provider of Object.values(providers)) {
      const capabilities = capabilitiesOf(provider.name);
      expect(provider.listsPayments).toBe(capabilities.sync?.listsPayments);
      expect(Boolean(provider.getDispute)).toBe(capabilities.pollsDisputes);
    }
  });
});
