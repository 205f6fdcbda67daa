import { PayPalProvider } from '../../providers/paypal/paypal-provider';
import { downloadCertificate } from '../../providers/paypal/paypal-webhook-verifier';
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
    certHosts: [new URL(h.sandbox.url).hostname],
    trustAnchors: async () => [h.sandbox.caCertificatePem],
    fetchCertificate: async (url, ca) => {
      downloads.push(url);
      return downloadCertificate(url, ca);
    },
  });
  return { provider, downloads };
}

const rejected = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(WebhookVerificationError);

describe('PayPal webhook signatures', () => {
  test('the sandbox signs like PayPal and the adapter verifies it', async () => {
    expect(webhook.headers).toMatchObject({ 'paypal-auth-algo': 'SHA256withRSA', 'paypal-cert-url': h.sandbox.certUrl });
    expect(h.sandbox.certUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\/notifications\/certs\//);
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

  test('a transmission more than 5 minutes off is rejected, however it is signed', async () => {
    const { PayPalWebhookVerifier } = await import('../../providers/paypal/paypal-webhook-verifier');
    const sentAt = Date.parse(String(webhook.headers['paypal-transmission-time']));
    const later = (minutes: number) => new PayPalWebhookVerifier({
      webhookId: WEBHOOK_ID, extraCertHosts: ['127.0.0.1'], trustAnchors: async () => [h.sandbox.caCertificatePem], now: () => sentAt + minutes * 60_000,
    });
    await expect(later(4).verify(webhook.raw, webhook.headers)).resolves.toMatchObject({ transmissionId: webhook.headers['paypal-transmission-id'] });
    await expect(later(6).verify(webhook.raw, webhook.headers)).rejects.toThrow(/5 minutes/);
    await expect(later(-6).verify(webhook.raw, webhook.headers)).rejects.toThrow(/5 minutes/);
  });

  test('a changed transmission id or time is rejected', async () => {
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-transmission-id': 'another-id' })));
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-transmission-time': new Date(0).toISOString() })));
  });

  test('a signature for another webhook id is rejected', async () => {
    const { provider } = countingProvider({ webhookId: 'OTHERWEBHOOK00001' });
    await rejected(provider.parseWebhook(webhook.raw, webhook.headers));
  });

  test('a certificate URL off the PayPal host, path or HTTPS is never fetched, even if it would verify', async () => {
    const { provider, downloads } = countingProvider();
    const https = new URL(h.sandbox.certUrl);
    for (const url of [
      `http://localhost:${h.sandbox.port}/_sandbox/certs/paypal.pem`,
      `${h.sandbox.url}/_sandbox/certs/paypal.pem`,
      `http://${https.host}${https.pathname}`,
      `https://${https.host}/_sandbox/certs/paypal.pem`,
      `https://localhost:${https.port}${https.pathname}`,
      'http://api-m.paypal.com/v1/notifications/certs/CERT-1',
      'https://api-m.paypal.com/v1/other/CERT-1',
    ]) {
      await rejected(provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-cert-url': url }));
    }
    expect(downloads).toEqual([]);
  });

  test('a chain that does not lead to a trusted root, or a leaf not named for PayPal, is refused', async () => {
    const untrusting = new PayPalProvider(null, { mode: 'sandbox', baseUrl: h.sandbox.url, webhookId: WEBHOOK_ID, certHosts: ['127.0.0.1'], trustAnchors: async () => [] });
    await rejected(untrusting.parseWebhook(webhook.raw, webhook.headers));
    const { checkSigningChain } = await import('../../providers/paypal/paypal-webhook-verifier');
    const ca = h.sandbox.caCertificatePem;
    // The CA alone (not a PayPal signing leaf), and the leaf with a foreign root only.
    expect(() => checkSigningChain(ca, [ca], Date.now())).toThrow(/not PayPal/);
    const leaf = await (await fetch(`${h.sandbox.url}/_sandbox/certs/paypal.pem`)).text();
    expect(() => checkSigningChain(leaf, [], Date.now())).toThrow(/trusted root/);
    expect(() => checkSigningChain(leaf, [ca], Date.now())).not.toThrow();
  });

  test('certificates are cached by URL', async () => {
    const { provider, downloads } = countingProvider();
    await provider.parseWebhook(webhook.raw, webhook.headers);
    await provider.parseWebhook(webhook.raw, webhook.headers);
    expect(downloads).toEqual([h.sandbox.certUrl]);
  });

  test('missing headers and another algorithm are rejected', async () => {
    const { 'paypal-transmission-sig': _dropped, ...unsigned } = webhook.headers;
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, unsigned)));
    await rejected(Promise.resolve(h.provider.parseWebhook(webhook.raw, { ...webhook.headers, 'paypal-auth-algo': 'SHA1withRSA' })));
  });
});
