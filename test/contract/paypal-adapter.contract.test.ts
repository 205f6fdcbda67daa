import { CaptureStatus, CheckoutPaymentIntent, OrderStatus, PaypalExperienceUserAction, PaypalWalletContextShippingPreference, RefundStatus } from '@paypal/paypal-server-sdk';
import { toOrderRequest, toRefundRequest } from '../../providers/paypal/paypal-transformers';
import { createPayPalProvider } from '../../providers/registry';
import { CLIENT_ID, CLIENT_SECRET, paymentRequest, startPayPalHarness, WEBHOOK_ID, type PayPalHarness } from '../paypal/helpers';
import { RecordingProxy } from '../paypal/recording-proxy';
import { checkJson, checkModel, sdkSchema } from '../paypal/sdk-schemas';

/**
 * The adapter's requests checked against the SDK's own request models (orderRequestSchema, refundRequestSchema,
 * orderCaptureRequestSchema), strictly: a field the model lacks, a wrong type or a missing required field fails.
 * The sandbox's answers are checked against the response models too.
 */
const schemas = {
  orderRequest: sdkSchema('orderRequest.js', 'orderRequestSchema'),
  refundRequest: sdkSchema('refundRequest.js', 'refundRequestSchema'),
  orderCaptureRequest: sdkSchema('orderCaptureRequest.js', 'orderCaptureRequestSchema'),
  order: sdkSchema('order.js', 'orderSchema'),
  capturedPayment: sdkSchema('capturedPayment.js', 'capturedPaymentSchema'),
  refund: sdkSchema('refund.js', 'refundSchema'),
};

describe('PayPal adapter requests against the SDK models', () => {
  test.each([
    ['EUR with a description', paymentRequest({ amount: 2599, currency: 'eur', description: 'Two books' })],
    ['JPY without a description', paymentRequest({ amount: 500, currency: 'jpy', description: null })],
  ])('the order request (%s) fits orderRequestSchema', (_label, request) => {
    const model = toOrderRequest(request);
    const { problems, json } = checkModel(model, schemas.orderRequest);
    expect(problems).toEqual([]);
    expect(Object.values(CheckoutPaymentIntent)).toContain(model.intent);
    const context = model.paymentSource?.paypal?.experienceContext;
    expect(Object.values(PaypalExperienceUserAction)).toContain(context?.userAction);
    expect(Object.values(PaypalWalletContextShippingPreference)).toContain(context?.shippingPreference);
    expect(json).toMatchObject({
      intent: 'CAPTURE',
      purchase_units: [{ reference_id: request.paymentId, custom_id: request.paymentId, amount: { currency_code: request.currency.toUpperCase() } }],
      payment_source: { paypal: { experience_context: { return_url: request.returnUrl, cancel_url: request.cancelUrl } } },
    });
  });

  test('the refund request fits refundRequestSchema and carries the engine refund id', () => {
    const request = { refundId: 're_contract', providerPaymentId: 'ORDER', amount: 1050, reason: 'requested_by_customer', idempotencyKey: 're_contract:create' };
    const { problems, json } = checkModel(toRefundRequest(request, 'EUR'), schemas.refundRequest);
    expect(problems).toEqual([]);
    expect(json).toEqual({ amount: { currency_code: 'EUR', value: '10.50' }, custom_id: 're_contract', invoice_id: 're_contract' });
  });

  test('the check catches a misnamed field, a wrong type and a missing required field', () => {
    const good = toOrderRequest(paymentRequest());
    const unit = good.purchaseUnits[0];
    expect(checkModel({ ...good, purchaseUnits: [{ ...unit, customID: 'x' }] }, schemas.orderRequest).problems).toEqual([
      '/purchaseUnits/0/customID is not in the model',
    ]);
    expect(checkModel({ ...good, purchaseUnits: [{ ...unit, amount: { ...unit.amount, value: 25.99 } }] }, schemas.orderRequest).problems).toHaveLength(1);
    expect(checkModel({ ...good, purchaseUnits: [{ referenceId: 'x' }] }, schemas.orderRequest).problems).toHaveLength(1);
    expect(checkJson({ intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: 'EUR', value: '1.00' }, customer_id: 'x' }] }, schemas.orderRequest)).toEqual([
      '/purchase_units/0/customer_id is not in the model',
    ]);
  });
});

describe('PayPal adapter on the wire (recorded between the SDK and the sandbox)', () => {
  let h: PayPalHarness;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    h = await startPayPalHarness();
    proxy = await new RecordingProxy(h.sandbox.url).start();
  });
  afterAll(async () => {
    await proxy.close();
    await h.close();
  });

  test('token, create, capture and refund requests are what the models describe, with PayPal-Request-Id', async () => {
    const provider = createPayPalProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, webhookId: WEBHOOK_ID, mode: 'sandbox', apiBase: proxy.url, certHosts: [] });
    const request = paymentRequest();
    const { providerPaymentId: orderId } = await provider.createPayment(request);
    await h.checkout(orderId, 'approve');
    await provider.capture(orderId, { idempotencyKey: `${request.paymentId}:capture` });
    await provider.refund({ refundId: 're_wire', providerPaymentId: orderId, amount: 100, reason: 'requested_by_customer', idempotencyKey: 're_wire:create' });

    const posts = proxy.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path.replace(orderId, ':order').replace(/captures\/\w+/, 'captures/:capture'))).toEqual([
      '/v1/oauth2/token',
      '/v2/checkout/orders',
      '/v2/checkout/orders/:order/capture',
      '/v2/payments/captures/:capture/refund',
    ]);
    const [token, create, capture, refund] = posts;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    expect(new URLSearchParams(token.body).get('grant_type')).toBe('client_credentials');

    expect(checkJson(JSON.parse(create.body), schemas.orderRequest)).toEqual([]);
    expect(create.headers['paypal-request-id']).toBe(request.idempotencyKey);
    expect(capture.headers['paypal-request-id']).toBe(`${request.paymentId}:capture`);
    if (capture.body !== '') expect(checkJson(JSON.parse(capture.body), schemas.orderCaptureRequest)).toEqual([]);
    expect(checkJson(JSON.parse(refund.body), schemas.refundRequest)).toEqual([]);
    expect(refund.headers['paypal-request-id']).toBe('re_wire:create');
    for (const post of posts.slice(1)) expect(post.headers.prefer).toBe('return=representation');
    for (const call of proxy.requests.slice(1)) expect(call.headers.authorization).toMatch(/^Bearer /);
  });

  test("the sandbox's orders, captures and refunds fit the SDK's response models", async () => {
    const request = paymentRequest();
    const { providerPaymentId: orderId } = await h.provider.createPayment(request);
    const created = (await h.api('GET', `/v2/checkout/orders/${orderId}`)).body;
    await h.checkout(orderId, 'approve');
    await h.provider.capture(orderId, { idempotencyKey: `${request.paymentId}:capture` });
    const refund = await h.provider.refund({ refundId: 're_shape', providerPaymentId: orderId, amount: 100, reason: 'duplicate', idempotencyKey: 're_shape:create' });
    const order = (await h.api('GET', `/v2/checkout/orders/${orderId}`)).body as { purchase_units: Array<{ payments: { captures: Array<{ id: string }> } }> };
    const capture = (await h.api('GET', `/v2/payments/captures/${order.purchase_units[0].payments.captures[0].id}`)).body;
    const refunded = (await h.api('GET', `/v2/payments/refunds/${refund.providerRefundId}`)).body;

    for (const body of [created, order]) expect(checkJson(body, schemas.order)).toEqual([]);
    expect(checkJson(capture, schemas.capturedPayment)).toEqual([]);
    expect(checkJson(refunded, schemas.refund)).toEqual([]);
    expect(Object.values(OrderStatus)).toContain((order as unknown as { status: string }).status);
    expect(Object.values(CaptureStatus)).toContain(capture.status);
    expect(Object.values(RefundStatus)).toContain(refunded.status);
  });
});
