import { PayPalProvider } from '../../providers/paypal/paypal-provider';
import { WebhookVerificationError } from '../../providers/types';
import { paymentRequest, startPayPalHarness, WEBHOOK_ID, type PayPalHarness, type ReceivedWebhook } from './helpers';

let h: PayPalHarness;
let webhook: ReceivedWebhook;
let orderId: string;
beforeAll(async () => {
  h = await startPayPalHarness();
  const state = await h.provider.createPayment(paymentRequest());
  orderId = state.providerPaymentId;
  await h.checkout(orderId, 'approve');
  [webhook] = await h.receiver.waitFor(orderId, 'CHECKOUT.ORDER.APPROVED');
});
afterAll(() => h.close());

/** A provider that only verifies webhooks (no API client), counting certificate downloads. */
function countingProvider(options: { webhookId?: string } = {}) {
  const downloads: string[] = [];
  const provider = new PayPalProvider(null, {
    mode: 'sandbox',
    baseUrl: h.sandbox.url,
    webhookId: options.webhookId ?? WEBHOOK_ID,
    certHosts: [new URL(h.sandbox.url).host],
    fetchCertificate: async (url) => {
      downloads.push(url);
      return (await fetch(url)).text();
    },
  });
  return { provider, downloads };
}

const rejected = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(WebhookVerificationError);

describe('PayPal webhook signatures', () => {
  test('the sandbox signs like PayPal and the adapter verifies it', async () => {
    expect(webhook.headers).toMatchObject({ 'paypal-auth-algo': 'SHA256withRSA', 'paypal-cert-url': `${h.sandbox.url}/_sandbox/certs/paypal.pem` });
    expect(webhook.headers['paypal-transmission-id']).toBeTruthy();
    expect(webhook.headers['paypal-transmission-sig']).toBeTruthy();
    const event = await h.parse(webhook);
    expect(event).toMatchObject({ provider: 'paypal', eventId: webhook.body.id, type: 'CHECKOUT.ORDER.APPROVED', providerPaymentId: orderId });
  });

  test('a tampered body is rejected', async () => {
    const tampered = Buffer.from(webhook.raw.toString('utf8').replace('"APPROVED"', '"COMPLETED"'));
    expect(tampered.equals(webhook.raw)).toBe(false);
    await rejected(Promise.resolve(h.provider.parseWebhook(tampered, webhook.headers)));
  });

  test('a changed transmission id or time is rejected', async () => {
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-transmission-id': 'another-id' })));
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-transmission-time': new Date(0).toISOString() })));
  });

  test('a signature for another webhook id is rejected', async () => {
    const { provider } = countingProvider({ webhookId: 'OTHERWEBHOOK00001' });
    await rejected(provider.parseWebhook(webhook.raw, webhook.headers));
  });

  test('a certificate URL off the allow-list is never fetched, even if it would verify', async () => {
    const { provider, downloads } = countingProvider();
    const sameServerOtherName = `http://localhost:${h.sandbox.port}/_sandbox/certs/paypal.pem`;
    await rejected(provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-cert-url': sameServerOtherName }));
    await rejected(provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-cert-url': 'http://api-m.paypal.com/v1/notifications/certs/CERT-1' }));
    expect(downloads).toEqual([]);
  });

  test('certificates are cached by URL', async () => {
    const { provider, downloads } = countingProvider();
    await provider.parseWebhook(webhook.raw, webhook.headers);
    await provider.parseWebhook(webhook.raw, webhook.headers);
    expect(downloads).toEqual([`${h.sandbox.url}/_sandbox/certs/paypal.pem`]);
  });

  test('missing headers and another algorithm are rejected', async () => {
    const { 'paypal-transmission-sig': _dropped, ...unsigned } = webhook.headers;
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, unsigned)));
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-auth-algo': 'SHA1withRSA' })));
  });
});
