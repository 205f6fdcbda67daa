import { ProviderRequestError } from '../../providers/types';
import { waitFor } from '../support/wait';
import { paymentRequest, startPayPalHarness, type PayPalHarness } from './helpers';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterAll(() => h.close());

async function capturedOrder(): Promise<string> {
  const request = paymentRequest({ amount: 1000 });
  const { providerPaymentId } = await h.provider.createPayment(request);
  await h.checkout(providerPaymentId, 'approve');
  await h.provider.capture(providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
  return providerPaymentId;
}

const refund = (orderId: string, refundId: string, amount: number) =>
  h.provider.refund({ refundId, providerPaymentId: orderId, amount, reason: 'requested_by_customer', idempotencyKey: `${refundId}:create` });

describe('PayPal sandbox through the adapter: refunds', () => {
  test('partial then full refunds, each echoing the engine refund id, with PAYMENT.CAPTURE.REFUNDED webhooks', async () => {
    const orderId = await capturedOrder();
    const first = await refund(orderId, 're_paypal_part1', 400);
    expect(first).toMatchObject({ provider: 'paypal', status: 'succeeded', amount: 400, refundId: 're_paypal_part1', failureReason: null });
    expect(h.provider.ownsId(first.providerRefundId)).toBe(true);
    expect(await h.provider.getRefund(first.providerRefundId)).toEqual(first);

    const second = await refund(orderId, 're_paypal_part2', 600);
    expect(second).toMatchObject({ status: 'succeeded', amount: 600, refundId: 're_paypal_part2' });
    const tooMuch = await refund(orderId, 're_paypal_part3', 1).catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(ProviderRequestError);
    expect((tooMuch as ProviderRequestError).code).toBe('CAPTURE_FULLY_REFUNDED');
    // A fully refunded payment still reads as succeeded: refunds are the engine's own records.
    expect(await h.provider.getPayment(orderId)).toMatchObject({ status: 'succeeded', providerStatus: 'COMPLETED/REFUNDED' });

    const hooks = await waitForRefundHooks(2);
    const events = await Promise.all(hooks.filter((w) => [first.providerRefundId, second.providerRefundId].includes(w.body.resource.id as string)).map(h.parse));
    expect(events.map((e) => e.refund?.refundId).sort()).toEqual(['re_paypal_part1', 're_paypal_part2']);
    for (const event of events) {
      expect(event).toMatchObject({ type: 'PAYMENT.CAPTURE.REFUNDED', providerPaymentId: orderId, paymentId: null, state: null });
    }
  });

  test('a refund more than what is left is refused', async () => {
    const orderId = await capturedOrder();
    const error = await refund(orderId, 're_paypal_over', 1001).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe('REFUND_AMOUNT_EXCEEDED');
  });

  test('a retried refund (same PayPal-Request-Id) refunds once', async () => {
    const orderId = await capturedOrder();
    const first = await refund(orderId, 're_paypal_retry', 300);
    const again = await refund(orderId, 're_paypal_retry', 300);
    expect(again.providerRefundId).toBe(first.providerRefundId);
    const order = (await h.api('GET', `/v2/checkout/orders/${orderId}`)).body as { purchase_units: Array<{ payments: { refunds: unknown[] } }> };
    expect(order.purchase_units[0].payments.refunds).toHaveLength(1);
  });

  test('an order that was never captured has nothing to refund', async () => {
    const { providerPaymentId } = await h.provider.createPayment(paymentRequest());
    const error = await refund(providerPaymentId, 're_paypal_none', 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe('payment_not_captured');
  });
});

function waitForRefundHooks(count: number) {
  return waitFor(async () => {
    const hooks = h.receiver.received.filter((w) => w.body.event_type === 'PAYMENT.CAPTURE.REFUNDED');
    return hooks.length >= count ? hooks : undefined;
  }, { what: `${count} refund webhooks` });
}
