import { ProviderRequestError } from '../../providers/types';
import { paymentRequest, startPayPalHarness, type PayPalHarness } from './helpers';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterAll(() => h.close());

async function createOrder(overrides = {}) {
  const request = paymentRequest(overrides);
  return { request, state: await h.provider.createPayment(request) };
}

describe('PayPal sandbox through the adapter: checkout', () => {
  test('create → approve on the checkout page → capture → COMPLETED, with both webhooks', async () => {
    const { request, state } = await createOrder();
    expect(state).toMatchObject({ provider: 'paypal', status: 'requires_action', amount: 2599, currency: 'eur', paymentId: request.paymentId });
    expect(h.provider.ownsId(state.providerPaymentId)).toBe(true);
    expect(state.nextAction).toEqual({
      type: 'redirect_to_url',
      redirect_to_url: { url: `${h.sandbox.url}/_sandbox/checkout/${state.providerPaymentId}`, return_url: request.returnUrl },
    });

    const page = await fetch(state.nextAction!.redirect_to_url.url);
    const html = await page.text();
    expect(html).toContain('this is not PayPal');
    expect(html).toContain('25.99 EUR');

    const approved = await h.checkout(state.providerPaymentId, 'approve');
    expect(approved.status).toBe(303);
    const back = new URL(approved.location!);
    expect(`${back.origin}${back.pathname}`).toBe(request.returnUrl);
    expect(back.searchParams.get('token')).toBe(state.providerPaymentId);
    expect(back.searchParams.get('PayerID')).toMatch(/^[A-Z0-9]{13}$/);
    expect(await h.provider.getPayment(state.providerPaymentId)).toMatchObject({ status: 'requires_capture', nextAction: null });

    const captured = await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
    expect(captured).toMatchObject({ status: 'succeeded', amountCaptured: 2599, paymentId: request.paymentId, failure: null });

    const [approvedHook] = await h.receiver.waitFor(state.providerPaymentId, 'CHECKOUT.ORDER.APPROVED');
    expect((await h.parse(approvedHook)).state).toMatchObject({ status: 'requires_capture', paymentId: request.paymentId });
    const [completed] = await h.receiver.waitFor(state.providerPaymentId, 'PAYMENT.CAPTURE.COMPLETED');
    expect(completed.body.resource).toMatchObject({ status: 'COMPLETED', custom_id: request.paymentId, supplementary_data: { related_ids: { order_id: state.providerPaymentId } } });
    const event = await h.parse(completed);
    expect(event).toMatchObject({ providerPaymentId: state.providerPaymentId, paymentId: request.paymentId });
    expect(event.state).toMatchObject({ status: 'succeeded', amountCaptured: 2599 });
  });

  test('zero-decimal currencies go over as whole amounts', async () => {
    const { state } = await createOrder({ amount: 500, currency: 'jpy' });
    expect(state).toMatchObject({ amount: 500, currency: 'jpy' });
  });

  test('capturing before the payer approved is an invalid request', async () => {
    const { request, state } = await createOrder();
    const error = await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderRequestError).code).toBe('ORDER_NOT_APPROVED');
  });

  test('capturing an order captured already answers with its state', async () => {
    const { request, state } = await createOrder();
    await h.checkout(state.providerPaymentId, 'approve');
    await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
    const again = await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture-again` });
    expect(again).toMatchObject({ status: 'succeeded', amountCaptured: 2599 });
  });

  test('decline: the order is approved but the capture fails with INSTRUMENT_DECLINED → a failed state', async () => {
    const { request, state } = await createOrder();
    await h.checkout(state.providerPaymentId, 'decline');
    const failed = await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
    expect(failed).toMatchObject({ status: 'failed', amountCaptured: 0, paymentId: request.paymentId });
    expect(failed.failure).toMatchObject({ failure_code: 'card_declined', provider_code: 'INSTRUMENT_DECLINED' });
    expect(failed.failure?.failure_message).toMatch(/PayPal declined the payer's funding source/);
  });

  test('deny: the capture comes back DECLINED → failed, with a PAYMENT.CAPTURE.DENIED webhook', async () => {
    const { request, state } = await createOrder();
    await h.checkout(state.providerPaymentId, 'deny');
    const failed = await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
    expect(failed).toMatchObject({ status: 'failed', providerStatus: 'COMPLETED/DECLINED', amountCaptured: 0 });
    expect(failed.failure?.failure_message).toMatch(/PayPal denied/);
    expect(await h.provider.getPayment(state.providerPaymentId)).toMatchObject({ status: 'failed' });
    const [denied] = await h.receiver.waitFor(state.providerPaymentId, 'PAYMENT.CAPTURE.DENIED');
    expect((await h.parse(denied)).state).toMatchObject({ status: 'failed', paymentId: request.paymentId });
  });

  test('cancel: back to cancel_url with the token, no webhook; the engine cancels without a call', async () => {
    const { request, state } = await createOrder();
    const canceled = await h.checkout(state.providerPaymentId, 'cancel');
    expect(canceled.status).toBe(303);
    expect(canceled.location).toBe(`${request.cancelUrl}?token=${state.providerPaymentId}`);
    expect(await h.provider.getPayment(state.providerPaymentId)).toMatchObject({ status: 'requires_action' });
    expect(await h.provider.cancel(state.providerPaymentId, { idempotencyKey: 'k' })).toMatchObject({ status: 'canceled' });

    // Deliveries go out in order: once a later order's webhook has arrived, none for the canceled one is on its way.
    const marker = await createOrder();
    await h.checkout(marker.state.providerPaymentId, 'approve');
    await h.receiver.waitFor(marker.state.providerPaymentId, 'CHECKOUT.ORDER.APPROVED');
    expect(h.receiver.received.filter((w) => JSON.stringify(w.body).includes(state.providerPaymentId))).toEqual([]);
  });

  test('the checkout page refuses an unknown outcome and a finished order', async () => {
    const { request, state } = await createOrder();
    expect((await h.checkout(state.providerPaymentId, 'maybe')).status).toBe(400);
    await h.checkout(state.providerPaymentId, 'approve');
    await h.provider.capture(state.providerPaymentId, { idempotencyKey: `${request.paymentId}:capture` });
    expect((await h.checkout(state.providerPaymentId, 'approve')).status).toBe(409);
    expect((await h.checkout('NOSUCHORDER000000', 'approve')).status).toBe(404);
  });
});
