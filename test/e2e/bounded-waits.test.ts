import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/*
 * Every request that waits on a workflow answers even when no worker ever picks the work up: a 503 `<what>_in_progress`
 * in the usual error shape after the API's deadline, never a hung connection. The worker runs as a child process and
 * is killed (SIGKILL) after the objects the requests need exist. Without a deadline these requests would hang and the
 * test would time out.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ worker: 'process', responseTimeoutMs: 3000 });
});
afterAll(async () => {
  await stack?.stop();
});

/** While the worker process starts, a 503 says "retry with the same Idempotency-Key": that is what this does. */
async function untilAnswered(method: string, path: string, body: unknown) {
  const idempotencyKey = `bounded-setup-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  return waitFor(async () => {
    const answer = await stack.request(method, path, { body, idempotencyKey });
    return answer.status === 503 ? undefined : answer;
  }, { what: `${method} ${path} to answer`, timeoutMs: 120_000, intervalMs: 500 });
}

it('answers 503 in the usual error shape for every workflow wait when the worker is gone', async () => {
  const customerId = `bounded_${Date.now().toString(36)}`;
  expect((await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@example.com` } })).status).toBe(200);
  const card = await untilAnswered('POST', '/v1/payment-methods', { customer_id: customerId, token: 'pm_card_visa' });
  expect(card.status).toBe(201);
  const payment = await untilAnswered('POST', '/v1/payments', { customer_id: customerId, payment_method: card.body.id, amount: 2100, currency: 'eur' });
  expect(payment.status).toBe(201);
  await stack.waitForPayment(payment.body.id, (p) => p.status === 'succeeded', 90_000);
  await waitFor(async () => (await stack.db('documents').where({ payment_id: payment.body.id, kind: 'invoice' }).first()) ?? undefined, { what: 'the invoice', timeoutMs: 90_000 });

  await stack.killWorkerProcess();

  const answers = {
    savePaymentMethod: await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, token: 'pm_card_mastercard' } }),
    detachPaymentMethod: await stack.request('DELETE', `/v1/payment-methods/${card.body.id as string}`),
    createRefund: await stack.request('POST', `/v1/payments/${payment.body.id}/refunds`, { body: { amount: 100, reason: 'requested_by_customer' } }),
    sendInvoice: await stack.request('POST', `/v1/payments/${payment.body.id}/invoice/send`, { body: {} }),
    createPayment: await stack.createPayment({ payment_method: 'pm_card_visa', amount: 2200 }),
    pause: await stack.request('POST', '/v1/admin/pause', { body: { scope: 'provider:paypal', reason: 'bounded waits test' }, key: stack.adminKey }),
  };
  expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, [answer.status, (answer.body as { error?: { type?: string; code?: string } }).error]]))).toEqual({
    savePaymentMethod: [503, expect.objectContaining({ type: 'api_error', code: 'payment_method_in_progress' })],
    detachPaymentMethod: [503, expect.objectContaining({ type: 'api_error', code: 'payment_method_in_progress' })],
    createRefund: [503, expect.objectContaining({ type: 'api_error', code: 'refund_in_progress' })],
    sendInvoice: [503, expect.objectContaining({ type: 'api_error', code: 'invoice_delivery_in_progress' })],
    createPayment: [503, expect.objectContaining({ type: 'api_error', code: 'payment_in_progress' })],
    pause: [503, expect.objectContaining({ type: 'api_error', code: 'pause_in_progress' })],
  });
}, 240_000);
