import { TestStack } from '../support/stack';
import { completeThreeDSecure, paymentIntentsFor } from '../support/sandbox-control';
import { waitFor } from '../support/wait';
import { recordHistory } from '../support/histories';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

describe('card payments over HTTP', () => {
  it('takes a card payment: 201, succeeded, one PaymentIntent, and a history', async () => {
    const created = await stack.createPayment({ amount: 1999, currency: 'eur', payment_method: 'pm_card_visa', customer_id: 'cus_42', description: 'Order 42', metadata: { order: '42' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'payment', status: 'succeeded', amount: 1999, currency: 'eur', capture_method: 'automatic',
      amount_captured: 1999, amount_refunded: 0, provider: 'stripe', customer_id: 'cus_42', description: 'Order 42',
      metadata: { order: '42' }, failure_code: null, next_action: null,
    });
    expect(created.body.id).toMatch(/^pay_/);
    expect(created.body.provider_payment_id).toMatch(/^pi_/);
    expect(created.body.client_secret).toMatch(/_secret_/);

    const stored = await stack.getPayment(created.body.id);
    expect(stored.status).toBe('succeeded');
    expect(await paymentIntentsFor(stack.sandbox, created.body.id)).toHaveLength(1);

    const events = await stack.events(created.body.id);
    expect(events[0]).toMatchObject({ type: 'payment.created', source: 'api' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'status_changed', from_status: 'pending', to_status: 'succeeded', source: 'workflow' }));
    // The sandbox's webhooks arrive after the fact: recorded, changing nothing.
    const withWebhooks = await waitFor(async () => {
      const all = await stack.events(created.body.id);
      return all.some((e) => e.source === 'webhook' && e.data.provider_event_type === 'payment_intent.succeeded') ? all : undefined;
    }, { what: 'the payment_intent.succeeded webhook in the history' });
    expect(withWebhooks.filter((e) => e.type === 'status_changed')).toHaveLength(1);
    await recordHistory(stack.client, created.body.id, 'take-payment-succeeded');
    // The same since take-payment is a process object that drains every message before it closes.
    await recordHistory(stack.client, created.body.id, 'take-payment-succeeded-drained-before-close');
    // The same since the answer's save leaves its bookkeeping (and the receipt's address) to a step after the answer.
    await recordHistory(stack.client, created.body.id, 'take-payment-succeeded-booked-after-answer');
    // The same since every change so far is one patch.
    await recordHistory(stack.client, created.body.id, 'take-payment-succeeded-changes-consolidated');
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
  ])('declines %s with failure_code %s', async (token, failureCode, declineCode) => {
    const created = await stack.createPayment({ payment_method: token });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('failed');
    expect(created.body.failure_code).toBe(failureCode);
    expect(created.body.failure_message).toEqual(expect.any(String));
    expect(created.body.failure_message!.length).toBeGreaterThan(20);
    expect(created.body.failure_details).toMatchObject({ provider_decline_code: declineCode });
    expect((await stack.getPayment(created.body.id)).failure_code).toBe(failureCode);
    if (failureCode === 'insufficient_funds') await recordHistory(stack.client, created.body.id, 'take-payment-declined');
    if (failureCode === 'insufficient_funds') await recordHistory(stack.client, created.body.id, 'take-payment-declined-booked-after-answer');
    if (failureCode === 'insufficient_funds') await recordHistory(stack.client, created.body.id, 'take-payment-declined-changes-consolidated');
  });

  it('emails the customer the specific reason a payment failed, once', async () => {
    const customerId = `cus_fail_${Date.now()}`;
    await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test`, locale: 'fr' } });
    const created = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedExpiredCard', customer_id: customerId });
    expect(created).toMatchObject({ status: 201, body: { status: 'failed' } });
    const mail = await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'payment_failed');
    expect(mail.text).toMatch(/expir/i);
    expect(mail.text).toContain('25,00');
    expect(stack.mail.count((m) => m.to.includes(`${customerId}@customer.test`))).toBe(1);
  });

  it('sends 3-D Secure to requires_action, then succeeds when the customer approves', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(created.body.status).toBe('requires_action');
    expect(created.body.next_action).toMatchObject({ type: 'redirect_to_url', redirect_to_url: { url: expect.stringContaining('/_sandbox/3ds/') } });
    expect(await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve')).toBeLessThan(400);
    const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    expect(done.next_action).toBeNull();
    expect(done.amount_captured).toBe(2500);
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'status_changed', from_status: 'requires_action', to_status: 'succeeded', source: 'webhook' }));
    await recordHistory(stack.client, created.body.id, 'take-payment-3ds-approved');
    await recordHistory(stack.client, created.body.id, 'take-payment-3ds-approved-booked-after-answer');
    await recordHistory(stack.client, created.body.id, 'take-payment-3ds-approved-changes-consolidated');
  });

  it('fails with authentication_required when 3-D Secure fails', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'fail');
    const failed = await stack.waitForPayment(created.body.id, (p) => p.status === 'failed');
    expect(failed.failure_code).toBe('authentication_required');
    expect(failed.failure_details?.provider_code).toBe('payment_intent_authentication_failure');
  });

  it('authorizes with manual capture and captures part of it', async () => {
    const created = await stack.createPayment({ amount: 5000, payment_method: 'pm_card_visa', capture_method: 'manual' });
    expect(created.body.status).toBe('requires_capture');
    expect(created.body.amount_captured).toBe(0);
    const tooMuch = await stack.request('POST', `/v1/payments/${created.body.id}/capture`, { body: { amount_to_capture: 6000 } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'amount_too_large', param: 'amount_to_capture' });
    const captured = await stack.request('POST', `/v1/payments/${created.body.id}/capture`, { body: { amount_to_capture: 3000 } });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: 'succeeded', amount_captured: 3000, amount: 5000 });
    const again = await stack.request('POST', `/v1/payments/${created.body.id}/capture`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('payment_unexpected_state');
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'capture.requested', source: 'api', actor: expect.stringContaining('api_key:merchant_') }));
    await recordHistory(stack.client, created.body.id, 'take-payment-manual-capture');
    await recordHistory(stack.client, created.body.id, 'take-payment-manual-capture-drained-before-close');
  });

  it('cancels an authorized payment and refuses to cancel a finished one', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_mastercard', capture_method: 'manual' });
    const canceled = await stack.request('POST', `/v1/payments/${created.body.id}/cancel`, { body: { cancellation_reason: 'requested_by_customer' } });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    const paid = await stack.createPayment({ payment_method: 'pm_card_visa' });
    const refused = await stack.request('POST', `/v1/payments/${paid.body.id}/cancel`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_unexpected_state' });
    expect((await stack.getPayment(paid.body.id)).status).toBe('succeeded');
  });

  it('reads payments: one, a filtered list with a cursor, and 404s', async () => {
    const customer = `cus_list_${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer })).body.id);
    const first = await stack.request('GET', `/v1/payments?customer_id=${customer}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    const second = await stack.request('GET', `/v1/payments?customer_id=${customer}&limit=2&starting_after=${ids[1]}`);
    expect(second.body.data.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(second.body.has_more).toBe(false);
    const byStatus = await stack.request('GET', `/v1/payments?customer_id=${customer}&status=failed`);
    expect(byStatus.body.data).toEqual([]);
    const missing = await stack.request('GET', '/v1/payments/pay_doesnotexist');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' });
  });
});
