import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { downloadCertificate } from '../../providers/paypal/paypal-webhook-verifier';
import { startPayPalSandbox, type PayPalSandbox } from '../../sandbox/paypal';
import { CLIENT_ID, CLIENT_SECRET, paymentRequest, startPayPalHarness, WEBHOOK_ID } from './helpers';

/** The signing chain, over HTTPS, trusting the sandbox's own CA. */
const chainOf = (sandbox: PayPalSandbox) => downloadCertificate(sandbox.certUrl, [sandbox.caCertificatePem]);

describe('PayPal sandbox: state file', () => {
  test('orders, the signing certificate and access tokens survive a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durapay-paypal-'));
    const stateFile = path.join(dir, 'paypal-sandbox.json');
    const h = await startPayPalHarness({ stateFile });
    const request = paymentRequest();
    const { providerPaymentId: orderId } = await h.provider.createPayment(request);
    await h.checkout(orderId, 'approve');
    const certificate = await chainOf(h.sandbox);
    const port = h.sandbox.port;
    await h.close();
    expect(fs.statSync(stateFile).mode & 0o077).toBe(0); // it holds a private key

    // Same port, so the provider (and the token it cached) keeps talking to it.
    const restarted = await startPayPalSandbox({ port, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookId: WEBHOOK_ID, stateFile, log: () => undefined });
    try {
      expect(await chainOf(restarted)).toBe(certificate);
      expect(new X509Certificate(certificate).subject).toContain('sandbox');
      expect(await h.provider.getPayment(orderId)).toMatchObject({ status: 'requires_capture', paymentId: request.paymentId });
      expect(await h.provider.capture(orderId, { idempotencyKey: `${request.paymentId}:capture` })).toMatchObject({ status: 'succeeded' });
    } finally {
      await restarted.close();
    }
    const reloaded = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { orders: Array<{ id: string; status: string }> };
    expect(reloaded.orders.find((o) => o.id === orderId)?.status).toBe('COMPLETED');
  });

  test('without a state file every start has a new key', async () => {
    const options = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookId: WEBHOOK_ID, log: () => undefined };
    const [a, b] = await Promise.all([startPayPalSandbox(options), startPayPalSandbox(options)]);
    try {
      expect(await chainOf(a)).not.toBe(await chainOf(b));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
