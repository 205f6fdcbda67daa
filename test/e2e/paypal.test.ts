import { startApiServer } from '../../api/server';
import { createLogger } from '../../platform/logger';
import { createProviders } from '../../providers/registry';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
beforeAll(async () => {
  // A year's refund window, as a merchant may set: longer than the 180 days PayPal takes refunds for.
  stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 }, refunds: { windowDays: 365 } });
});
afterAll(async () => {
  await stack?.stop();
});

/** The payer acts on PayPal's page, then their browser follows the redirect back to the engine. */
async function payerActs(approvalUrl: string, outcome: 'approve' | 'decline' | 'deny' | 'cancel'): Promise<string | null> {
  const response = await fetch(approvalUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (location) {
    const back = await fetch(location);
    expect(back.status).toBe(200);
  }
  return location;
}

async function paypalPayment(amount = 2500) {
  const created = await stack.createPayment({ amount, currency: 'eur', provider: 'paypal' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'requires_action', provider: 'paypal', payment_method_type: 'paypal' });
  expect(created.body.next_action?.redirect_to_url.url).toContain('/_sandbox/checkout/');
  return created.body;
}

/** A paid PayPal payment; `ageDays` backdates it, as if paid that long ago. */
async function paidPayPalPayment(amount: number, ageDays = 0) {
  const payment = await paypalPayment(amount);
  await payerActs(payment.next_action!.redirect_to_url.url, 'approve');
  await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
  if (ageDays) await stack.db('payments').where({ id: payment.id }).update({ created_at: new Date(Date.now() - ageDays * 24 * 3600 * 1000) });
  return payment;
}

/** Requests a refund, has an admin approve it, and waits until it reaches the status. */
async function approvedRefund(paymentId: string, amount: number, status: string) {
  const refund = await stack.request('POST', `/v1/payments/${paymentId}/refunds`, { body: { reason: 'requested_by_customer', amount } });
  expect(refund.status).toBe(202);
  await stack.request('POST', `/v1/refunds/${refund.body.id}/approve`, { body: {}, key: stack.adminKey });
  return waitFor(async () => {
    const current = (await stack.request('GET', `/v1/refunds/${refund.body.id}`)).body;
    return current.status === status ? current : undefined;
  }, { what: `refund ${refund.body.id} to be ${status}` });
}

describe('PayPal', () => {
  it('captures after the payer approves and succeeds on PAYMENT.CAPTURE.COMPLETED', async () => {
    const payment = await paypalPayment();
    const back = await payerActs(payment.next_action!.redirect_to_url.url, 'approve');
    expect(back).toContain(`/return/paypal?payment_id=${payment.id}`);
    const done = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect(done.amount_captured).toBe(2500);
    const events = await stack.events(payment.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'capture.requested', actor: 'workflow:auto_capture' }));
    await waitFor(async () => ((await stack.events(payment.id)).some((e) => e.data.provider_event_type === 'PAYMENT.CAPTURE.COMPLETED') ? true : undefined), { what: 'the capture webhook' });
    await recordHistory(stack.client, payment.id, 'take-payment-paypal-approved');
    await recordHistory(stack.client, payment.id, 'take-payment-paypal-approved-drained-before-close');
  });

  it('fails with a specific message when PayPal declines the funding source', async () => {
    const payment = await paypalPayment();
    await payerActs(payment.next_action!.redirect_to_url.url, 'decline');
    const failed = await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    expect(failed.failure_code).toBe('card_declined');
    expect(failed.failure_details?.provider_code).toBe('INSTRUMENT_DECLINED');
    expect(failed.failure_message).toMatch(/PayPal/);
  });

  it('retries a declined PayPal payment with a new order and approval link, and ends with one capture', async () => {
    const payment = await paypalPayment();
    await payerActs(payment.next_action!.redirect_to_url.url, 'decline');
    await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    await stack.waitForWorkflowClosed(payment.id);

    const retried = await stack.request('POST', `/v1/payments/${payment.id}/retry`, { body: {} });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: payment.id, status: 'requires_action', attempt_count: 2, provider: 'paypal' });
    expect(retried.body.provider_payment_id).not.toBe(payment.provider_payment_id);
    expect(retried.body.next_action.redirect_to_url.url).not.toBe(payment.next_action!.redirect_to_url.url);

    await payerActs(retried.body.next_action.redirect_to_url.url, 'approve');
    const done = await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
    expect(done).toMatchObject({ amount_captured: 2500, attempt_count: 2, provider_payment_id: retried.body.provider_payment_id });
    expect(done.previous_attempts).toEqual([expect.objectContaining({ attempt: 1, failure_code: 'card_declined', provider_payment_id: payment.provider_payment_id })]);
    const attempts = (await stack.events(payment.id)).filter((e) => e.type === 'attempt.started');
    expect(attempts.map((e) => e.data.provider_idempotency_key)).toEqual([`${payment.id}:create:attempt-2`]);
  });

  it('fails when the capture is denied', async () => {
    const payment = await paypalPayment();
    await payerActs(payment.next_action!.redirect_to_url.url, 'deny');
    const failed = await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    expect(failed.failure_message).toEqual(expect.any(String));
  });

  it('fails as payer_canceled when the payer cancels at PayPal', async () => {
    const payment = await paypalPayment();
    const back = await payerActs(payment.next_action!.redirect_to_url.url, 'cancel');
    expect(back).toContain(`/cancel/paypal?payment_id=${payment.id}`);
    const failed = await stack.waitForPayment(payment.id, (p) => p.status === 'failed');
    expect(failed.failure_code).toBe('payer_canceled');
  });

  it('refunds through the same refund workflow', async () => {
    const payment = await paidPayPalPayment(4000);
    const done = await approvedRefund(payment.id, 1500, 'succeeded');
    expect(done.provider_refund_id).toEqual(expect.any(String));
    expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 1500 });
  });

  it('refunds a payment older than 180 days by bank transfer, without asking PayPal', async () => {
    const payment = await paidPayPalPayment(3000, 200);
    const asking = await approvedRefund(payment.id, 1200, 'requires_alternative_method');
    expect(asking).toMatchObject({ provider_refund_id: null, failure_message: expect.stringContaining('PayPal sends money back only within 180 days') });

    const body = { iban: 'BE68539007547034', account_holder_name: 'Camille Dupont' };
    expect((await stack.request('POST', `/v1/refunds/${asking.id}/alternative-method`, { body })).body.status).toBe('awaiting_manual_transfer');
    const sent = await stack.request('POST', `/v1/refunds/${asking.id}/mark-sent`, { body: { reference: 'TRF-PP-1' }, key: stack.adminKey });
    expect(sent.body.status).toBe('succeeded');
    expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 1200 });
    // PayPal was never asked: no refund.processing, which a provider refund's creation writes.
    const own = await stack.request('GET', `/v1/refunds/${asking.id}/events`);
    expect(own.body.data.map((e: { type: string }) => e.type)).toEqual([
      'refund.requested', 'refund.approved', 'refund.bank_transfer_needed', 'refund.alternative_method_recorded', 'refund.succeeded',
    ]);
    expect(own.body.data[2].data).toMatchObject({ provider: 'paypal', provider_window_days: 180 });
  });

  it('refuses a webhook with a bad signature and applies duplicates once', async () => {
    const forged = await fetch(`${stack.apiUrl}/webhooks/paypal`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'paypal-transmission-id': 'abc', 'paypal-transmission-time': new Date().toISOString(),
        'paypal-transmission-sig': 'Zm9yZ2Vk', 'paypal-cert-url': `${stack.paypal.certUrl}`, 'paypal-auth-algo': 'SHA256withRSA',
      },
      body: JSON.stringify({ id: 'WH-FORGED', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: { id: 'X' } }),
    });
    expect(forged.status).toBe(401);
    expect(await stack.db('webhook_events').where({ provider: 'paypal', event_id: 'WH-FORGED' }).first()).toBeUndefined();

    await fetch(`${stack.paypal.url}/_sandbox/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicate: true }) });
    try {
      const payment = await paypalPayment();
      await payerActs(payment.next_action!.redirect_to_url.url, 'approve');
      await stack.waitForPayment(payment.id, (p) => p.status === 'succeeded');
      const events = await waitFor(async () => {
        const all = await stack.events(payment.id);
        return all.some((e) => e.data.reason === 'duplicate' || e.data.reason === 'after_final') ? all : undefined;
      }, { what: 'a duplicate PayPal webhook in the history' });
      expect(events.filter((e) => e.type === 'status_changed' && e.to_status === 'succeeded')).toHaveLength(1);
    } finally {
      await fetch(`${stack.paypal.url}/_sandbox/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ duplicate: false }) });
    }
  });

  it('lists providers with their mode, and refuses a provider without credentials', async () => {
    const providers = await stack.request('GET', '/v1/admin/providers', { key: stack.adminKey });
    expect(providers.body.data).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'stripe', mode: 'sandbox', configured: true, base_url: stack.sandbox.url }),
      expect.objectContaining({ name: 'paypal', mode: 'sandbox', configured: true, base_url: stack.paypal.url }),
    ]));

    const withoutPayPal = await startApiServer(
      {
        db: stack.db, client: stack.client, connection: stack.client.connection as never, log: createLogger('api', 'silent'),
        providers: createProviders({ stripe: { secretKey: 'sk_test_x', webhookSecret: stack.webhookSecret, apiBase: stack.sandbox.url } }),
        taskQueue: stack.taskQueue, timing: stack.timing, returnUrl: 'http://127.0.0.1/return', keys: { merchantKey: stack.merchantKey },
        refunds: stack.refunds, adminEmails: [], publicUrl: 'http://127.0.0.1:1', offline: stack.offline,
      },
      { host: '127.0.0.1', port: 0, relayIntervalMs: 3_600_000 },
    );
    try {
      const response = await fetch(`${withoutPayPal.url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.merchantKey}`, 'idempotency-key': `no-paypal-${Date.now()}-key`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1000, currency: 'eur', provider: 'paypal' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error).toMatchObject({ code: 'provider_not_configured', param: 'provider' });
    } finally {
      await withoutPayPal.close();
    }
  });
});
