import { TestStack } from '../support/stack';
import { paymentIntentsFor } from '../support/sandbox-control';
import { recordHistory } from '../support/histories';

// Short automatic-retry delays: 2 s for processing errors, an hour for insufficient funds (a manual retry beats it).
let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ timing: { automaticRetries: { soonDelaysSeconds: [2], afterDaysDelaysSeconds: [3600] } } });
});
afterAll(async () => {
  await stack?.stop();
});

async function customerWithEmail(prefix: string): Promise<string> {
  const id = `cus_${prefix}_${Date.now()}`;
  await stack.request('POST', '/v1/customers', { body: { id, email: `${id}@customer.test`, locale: 'en' } });
  return id;
}

const retry = (id: string, body: Record<string, unknown> = {}, idempotencyKey?: string) =>
  stack.request('POST', `/v1/payments/${id}/retry`, { body, idempotencyKey });

describe('manual retries of failed payments', () => {
  it('retries a declined card with other cards until one succeeds: every attempt in the history, one charge', async () => {
    const customerId = await customerWithEmail('retry');
    const created = await stack.createPayment({ payment_method: 'pm_card_chargeDeclined', customer_id: customerId });
    expect(created.body).toMatchObject({ status: 'failed', failure_code: 'card_declined', attempt_count: 1, previous_attempts: [] });
    const id = created.body.id;
    await stack.waitForWorkflowClosed(id);

    const second = await retry(id, { payment_method: 'pm_card_chargeDeclinedExpiredCard' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id, status: 'failed', failure_code: 'expired_card', attempt_count: 2, payment_method: 'pm_card_chargeDeclinedExpiredCard' });
    await stack.waitForWorkflowClosed(id);

    const key = `retry-third-${Date.now()}`;
    const third = await retry(id, { payment_method: 'pm_card_visa' }, key);
    expect(third.status).toBe(200);
    expect(third.body).toMatchObject({ id, status: 'succeeded', attempt_count: 3, payment_method: 'pm_card_visa', failure_code: null, amount_captured: 2500 });
    expect(third.body.client_secret).toMatch(/_secret_/);
    expect(third.body.previous_attempts).toEqual([
      expect.objectContaining({ attempt: 1, payment_method: 'pm_card_chargeDeclined', failure_code: 'card_declined' }),
      expect.objectContaining({ attempt: 2, payment_method: 'pm_card_chargeDeclinedExpiredCard', failure_code: 'expired_card' }),
    ]);

    // The same Idempotency-Key answers the same again, without a fourth attempt.
    const replayed = await retry(id, { payment_method: 'pm_card_visa' }, key);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual(third.body);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    const stored = await stack.getPayment(id);
    expect(stored).toMatchObject({ status: 'succeeded', attempt_count: 3, next_retry_at: null });
    const intents = await paymentIntentsFor(stack.sandbox, id);
    expect(intents).toHaveLength(3);
    expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(1);
    expect(intents.find((intent) => intent.status === 'succeeded')!.id).toBe(stored.provider_payment_id);

    const events = await stack.events(id);
    const attempts = events.filter((event) => event.type === 'attempt.started');
    expect(attempts.map((event) => event.data)).toEqual([
      expect.objectContaining({
        attempt: 2, trigger: 'manual', payment_method: 'pm_card_chargeDeclinedExpiredCard', provider_idempotency_key: `${id}:create:attempt-2`,
        previous_failure: expect.objectContaining({ attempt: 1, failure_code: 'card_declined', provider_payment_id: created.body.provider_payment_id }),
      }),
      expect.objectContaining({ attempt: 3, trigger: 'manual', payment_method: 'pm_card_visa', provider_idempotency_key: `${id}:create:attempt-3` }),
    ]);
    expect(attempts.map((event) => [event.from_status, event.to_status, event.source])).toEqual([['failed', 'pending', 'api'], ['failed', 'pending', 'api']]);
    expect(events.filter((event) => event.type === 'status_changed').map((event) => event.to_status)).toEqual(['failed', 'failed', 'succeeded']);

    // One failure email per failed attempt, then the receipt.
    await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_receipt');
    expect(stack.mail.count((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed')).toBe(2);

    // Succeeded is final: no further attempt.
    const again = await retry(id, { payment_method: 'pm_card_visa' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_unexpected_state' });
    await recordHistory(stack.client, id, 'take-payment-retried');
  });

  it('refuses retries of payments that have not failed, unknown payments and bad methods', async () => {
    const succeeded = await stack.createPayment({ payment_method: 'pm_card_visa' });
    expect(succeeded.body.status).toBe('succeeded');
    const refused = await retry(succeeded.body.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_unexpected_state' });
    expect(await paymentIntentsFor(stack.sandbox, succeeded.body.id)).toHaveLength(1);

    const missing = await retry('pay_doesnotexist');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'resource_missing' });

    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedLostCard' });
    const badFormat = await retry(declined.body.id, { payment_method: '4242424242424242' });
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error).toMatchObject({ param: 'payment_method' });
    const unknownSaved = await retry(declined.body.id, { payment_method: 'dpm_doesnotexist' });
    expect(unknownSaved.status).toBe(404);
    expect(unknownSaved.body.error).toMatchObject({ code: 'resource_missing', param: 'payment_method' });
    // A method the provider refuses: answered like creation (404 for an unknown method), and the payment stays failed with the reason.
    const refusedByProvider = await retry(declined.body.id, { payment_method: 'pm_card_doesNotExist' });
    expect(refusedByProvider.status).toBe(404);
    expect(refusedByProvider.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    await stack.waitForWorkflowClosed(declined.body.id);
    expect(await stack.getPayment(declined.body.id)).toMatchObject({ status: 'failed', attempt_count: 2, failure_code: 'resource_missing' });
    const unknownParam = await retry(declined.body.id, { amount: 100 });
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.error).toMatchObject({ code: 'parameter_unknown' });
    expect(await stack.getPayment(declined.body.id)).toMatchObject({ status: 'failed', attempt_count: 2 });
  });
});

describe('automatic retries of soft declines', () => {
  it('retries a processing error on its own after the scheduled delay, and emails only the receipt', async () => {
    const customerId = await customerWithEmail('auto');
    const created = await stack.createPayment({ payment_method: 'pm_card_durapay_softDeclineOnce', customer_id: customerId });
    expect(created.body).toMatchObject({ status: 'failed', failure_code: 'processing_error', attempt_count: 1 });
    const id = created.body.id;

    const succeeded = await stack.waitForPayment(id, (payment) => payment.status === 'succeeded');
    expect(succeeded).toMatchObject({ attempt_count: 2, next_retry_at: null, failure_code: null });
    expect(succeeded.previous_attempts).toEqual([expect.objectContaining({ attempt: 1, failure_code: 'processing_error' })]);
    await stack.waitForWorkflowClosed(id);

    const events = await stack.events(id);
    const scheduled = events.find((event) => event.type === 'retry.scheduled');
    expect(scheduled?.data).toMatchObject({ attempt: 2, delay_seconds: 2, failure_code: 'processing_error' });
    const attempt = events.find((event) => event.type === 'attempt.started');
    expect(attempt).toMatchObject({ source: 'workflow', actor: 'workflow:auto_retry', data: expect.objectContaining({ attempt: 2, trigger: 'automatic', provider_idempotency_key: `${id}:create:attempt-2` }) });
    const intents = await paymentIntentsFor(stack.sandbox, id);
    expect(intents).toHaveLength(2);
    expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(1);

    await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_receipt');
    expect(stack.mail.count((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed')).toBe(0);
    await recordHistory(stack.client, id, 'take-payment-auto-retried');
  });

  it('never retries a hard decline on its own', async () => {
    const customerId = await customerWithEmail('hard');
    const created = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedStolenCard', customer_id: customerId });
    expect(created.body).toMatchObject({ status: 'failed', failure_code: 'stolen_card', next_retry_at: null });
    // The failure email goes out once the workflow has decided it is done.
    await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed');
    await stack.waitForWorkflowClosed(created.body.id);
    const events = await stack.events(created.body.id);
    expect(events.filter((event) => event.type === 'retry.scheduled' || event.type === 'attempt.started')).toEqual([]);
    expect(await stack.getPayment(created.body.id)).toMatchObject({ status: 'failed', attempt_count: 1 });
    expect(await paymentIntentsFor(stack.sandbox, created.body.id)).toHaveLength(1);
  });

  it('lets a manual retry take over from a scheduled automatic one, without a second charge', async () => {
    const customerId = await customerWithEmail('takeover');
    const created = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds', customer_id: customerId });
    expect(created.body).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' });
    const id = created.body.id;
    const waiting = await stack.waitForPayment(id, (payment) => payment.next_retry_at !== null);
    expect(Date.parse(waiting.next_retry_at!)).toBeGreaterThan(Date.now() + 3000 * 1000);

    const retried = await retry(id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: 'succeeded', attempt_count: 2, next_retry_at: null });
    await stack.waitForWorkflowClosed(id);

    const events = await stack.events(id);
    expect(events.filter((event) => event.type === 'attempt.started').map((event) => event.data.trigger)).toEqual(['manual']);
    const intents = await paymentIntentsFor(stack.sandbox, id);
    expect(intents).toHaveLength(2);
    expect(intents.filter((intent) => intent.status === 'succeeded')).toHaveLength(1);
    await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_receipt');
    expect(stack.mail.count((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed')).toBe(0);
  });

  it('calls off a scheduled automatic retry on cancel: the payment stays failed, the customer is told, a manual retry still works', async () => {
    const customerId = await customerWithEmail('calloff');
    const created = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds', customer_id: customerId });
    const id = created.body.id;
    const waiting = await stack.waitForPayment(id, (payment) => payment.next_retry_at !== null);

    const canceled = await stack.request('POST', `/v1/payments/${id}/cancel`, { body: { cancellation_reason: 'abandoned' } });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id, status: 'failed', failure_code: 'insufficient_funds', next_retry_at: null, attempt_count: 1 });
    await stack.waitForWorkflowClosed(id);
    const events = await stack.events(id);
    expect(events.find((event) => event.type === 'retry.canceled')).toMatchObject({ source: 'api', data: { due_at: waiting.next_retry_at, reason: 'abandoned' } });
    expect(events.filter((event) => event.type === 'attempt.started')).toEqual([]);
    await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed');

    // Nothing left to call off; the payment can still be tried again by hand.
    const again = await stack.request('POST', `/v1/payments/${id}/cancel`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('payment_unexpected_state');
    const retried = await retry(id, { payment_method: 'pm_card_visa' });
    expect(retried.body).toMatchObject({ status: 'succeeded', attempt_count: 2 });
    expect(await paymentIntentsFor(stack.sandbox, id)).toHaveLength(2);
  });
});

describe('a retry whose last attempt the provider cannot show', () => {
  it('is refused 409 previous_attempt_unverified: no new charge, the payment stays failed and says why', async () => {
    // The failed attempt was made at another provider account (another stack's sandbox): this engine's Stripe has
    // never seen its PaymentIntent. Before, the read of it failed the workflow and the API answered 503.
    const elsewhere = await TestStack.start();
    let id: string;
    try {
      const created = await elsewhere.createPayment({ payment_method: 'pm_card_chargeDeclined' });
      expect(created.body.status).toBe('failed');
      id = created.body.id;
      await elsewhere.waitForWorkflowClosed(id);
    } finally {
      await elsewhere.stop();
    }

    const retried = await retry(id, { payment_method: 'pm_card_visa' });
    expect(retried.status).toBe(409);
    expect(retried.body.error).toMatchObject({ type: 'invalid_request_error', code: 'previous_attempt_unverified' });
    expect(await stack.getPayment(id)).toMatchObject({ status: 'failed', attempt_count: 1 });
    expect(await paymentIntentsFor(stack.sandbox, id)).toHaveLength(0);
    const events = await stack.events(id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'retry.refused', data: expect.objectContaining({ reason: 'previous_attempt_unverified', provider_code: 'resource_missing' }) }));
    expect(events.filter((event) => event.type === 'attempt.started')).toEqual([]);
    await recordHistory(stack.client, id, 'take-payment-retry-refused-unverified-attempt');
  });
});
