import { ProviderRequestError } from '../../providers/types';
import { paymentRequest, startPayPalHarness, type PayPalHarness } from './helpers';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterAll(() => h.close());

describe('PayPal-Request-Id', () => {
  test('the same id creates one order; another id another order', async () => {
    const request = paymentRequest();
    const first = await h.provider.createPayment(request);
    const retried = await h.provider.createPayment(request);
    expect(retried.providerPaymentId).toBe(first.providerPaymentId);
    const other = await h.provider.createPayment({ ...request, idempotencyKey: `${request.paymentId}:create-2` });
    expect(other.providerPaymentId).not.toBe(first.providerPaymentId);
  });

  test('the same id with another body is refused', async () => {
    const request = paymentRequest();
    await h.provider.createPayment(request);
    const error = await h.provider.createPayment({ ...request, amount: request.amount + 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe('DUPLICATE_REQUEST_ID');
  });

  test('a retried capture returns the same capture and emits one webhook', async () => {
    const request = paymentRequest();
    const { providerPaymentId: orderId } = await h.provider.createPayment(request);
    await h.checkout(orderId, 'approve');
    const key = `${request.paymentId}:capture`;
    await h.provider.capture(orderId, { idempotencyKey: key });
    await h.provider.capture(orderId, { idempotencyKey: key });
    const raw = await h.api('POST', `/v2/checkout/orders/${orderId}/capture`, undefined, { 'PayPal-Request-Id': key, Prefer: 'return=representation' });
    expect(raw.status).toBe(201);
    const order = (await h.api('GET', `/v2/checkout/orders/${orderId}`)).body as { purchase_units: Array<{ payments: { captures: unknown[] } }> };
    expect(order.purchase_units[0].payments.captures).toHaveLength(1);

    // Deliveries are in order: after a later order's webhook, every capture webhook of this one has arrived.
    const marker = await h.provider.createPayment(paymentRequest());
    await h.checkout(marker.providerPaymentId, 'approve');
    await h.receiver.waitFor(marker.providerPaymentId, 'CHECKOUT.ORDER.APPROVED');
    expect(h.receiver.about(orderId, 'PAYMENT.CAPTURE.COMPLETED')).toHaveLength(1);
  });

  test('a declined capture is replayed as declined for the same id', async () => {
    const request = paymentRequest();
    const { providerPaymentId: orderId } = await h.provider.createPayment(request);
    await h.checkout(orderId, 'decline');
    const key = `${request.paymentId}:capture`;
    expect(await h.provider.capture(orderId, { idempotencyKey: key })).toMatchObject({ status: 'failed' });
    const replay = await h.api('POST', `/v2/checkout/orders/${orderId}/capture`, undefined, { 'PayPal-Request-Id': key });
    expect(replay.status).toBe(422);
    expect(replay.body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'INSTRUMENT_DECLINED' }] });
  });
});
