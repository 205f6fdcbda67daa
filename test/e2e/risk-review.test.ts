import { randomBytes } from 'node:crypto';
import { recordHistory } from '../support/histories';
import { sandboxStripe } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { workflowTypesFound } from '../support/visibility';
import { waitFor } from '../support/wait';

const uniqueCustomer = () => `cus_risk_${randomBytes(5).toString('hex')}`;

/** The sandbox's own PaymentIntents for a payment: none may exist while it waits for review. */
async function intentsOf(stack: TestStack, paymentId: string): Promise<number> {
  const intents = await sandboxStripe(stack.sandbox).paymentIntents.list({ limit: 100 });
  return intents.data.filter((intent) => intent.metadata.durapay_payment_id === paymentId).length;
}

const admin = (stack: TestStack) => ({ key: stack.adminKey });

async function clearBlocklist(stack: TestStack): Promise<void> {
  const list = await stack.request('GET', '/v1/admin/blocklist', admin(stack));
  for (const entry of list.body.data) await stack.request('DELETE', `/v1/admin/blocklist/${entry.id}`, admin(stack));
}

describe('risk review', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ risk: { maxPaymentsPerCustomerPerHour: 3, reviewAmount: 50_000, reviewExpiryHours: 72 } });
  });
  afterEach(async () => {
    // Pauses and block lists are global: never leave one for the next test file.
    await stack.request('POST', '/v1/admin/resume', { body: {}, ...admin(stack) });
    await clearBlocklist(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("holds a customer's fourth payment in an hour for review, with no provider intent until an admin approves", async () => {
    const customer = uniqueCustomer();
    for (let i = 0; i < 3; i += 1) {
      expect((await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer })).body.status).toBe('succeeded');
    }
    const held = await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer });
    expect(held.status).toBe(201);
    expect(held.body).toMatchObject({ status: 'requires_review', provider_payment_id: null, client_secret: null });
    expect(await intentsOf(stack, held.body.id)).toBe(0);

    const open = await stack.request('GET', '/v1/reviews?status=open&limit=100', admin(stack));
    expect(open.body.data).toContainEqual(expect.objectContaining({
      payment_id: held.body.id, status: 'open', kind: 'pre_provider',
      findings: [{ rule: 'velocity', outcome: 'review', figures: { attempts_last_hour: 4, limit: 3 } }],
    }));
    const alerts = await stack.request('GET', '/v1/admin/alerts?limit=100', admin(stack));
    expect(alerts.body.data).toContainEqual(expect.objectContaining({ kind: 'payment_review' }));

    expect((await stack.request('POST', `/v1/payments/${held.body.id}/review`, { body: { decision: 'approve' } })).status).toBe(403);
    const approved = await stack.request('POST', `/v1/payments/${held.body.id}/review`, { body: { decision: 'approve', reason: 'known customer' }, ...admin(stack) });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'succeeded', amount_captured: 2500 });
    expect(await intentsOf(stack, held.body.id)).toBe(1);
    const again = await stack.request('POST', `/v1/payments/${held.body.id}/review`, { body: { decision: 'block', reason: 'late' }, ...admin(stack) });
    expect(again.status).toBe(409);

    const events = await stack.events(held.body.id);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['risk.assessed', 'risk.review_opened', 'risk.review_approved']));
    expect(events).toContainEqual(expect.objectContaining({ type: 'risk.review_approved', actor: expect.stringContaining('api_key:admin_'), data: expect.objectContaining({ reason: 'known customer' }) }));
    expect(await workflowTypesFound(stack.client, `DurapayPaymentId = "${held.body.id}" AND DurapayRiskReview = "approved"`, ['takePayment'])).toEqual(['takePayment']);
    const merchantEvents = await stack.request('GET', '/v1/events?type=payment.requires_review&limit=100');
    expect(merchantEvents.body.data).toContainEqual(expect.objectContaining({ type: 'payment.requires_review', data: { object: expect.objectContaining({ id: held.body.id }) } }));
    await recordHistory(stack.client, held.body.id, 'take-payment-review-approved');
  });

  it('cancels a held payment an admin blocks, with blocked_by_risk_rules, and needs a reason to block', async () => {
    const held = await stack.createPayment({ amount: 60_000, payment_method: 'pm_card_visa' });
    expect(held.body.status).toBe('requires_review');
    const noReason = await stack.request('POST', `/v1/payments/${held.body.id}/review`, { body: { decision: 'block' }, ...admin(stack) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error).toMatchObject({ param: 'reason' });
    const blocked = await stack.request('POST', `/v1/payments/${held.body.id}/review`, { body: { decision: 'block', reason: 'stolen identity' }, ...admin(stack) });
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ status: 'canceled', failure_code: 'blocked_by_risk_rules' });
    expect(await intentsOf(stack, held.body.id)).toBe(0);
    const reviews = await stack.request('GET', '/v1/reviews?status=blocked&limit=100', admin(stack));
    expect(reviews.body.data).toContainEqual(expect.objectContaining({ payment_id: held.body.id, decision_reason: 'stolen identity', decided_by: expect.stringContaining('api_key:admin_') }));
    await recordHistory(stack.client, held.body.id, 'take-payment-review-blocked');
  });

  it('holds at the amount threshold and not below it; the merchant may cancel a held payment', async () => {
    expect((await stack.createPayment({ amount: 49_999, payment_method: 'pm_card_visa' })).body.status).toBe('succeeded');
    const held = await stack.createPayment({ amount: 50_000, payment_method: 'pm_card_visa' });
    expect(held.body.status).toBe('requires_review');
    const canceled = await stack.request('POST', `/v1/payments/${held.body.id}/cancel`, { body: {} });
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('canceled');
    expect(await intentsOf(stack, held.body.id)).toBe(0);
  });

  it('cancels a block-listed email domain, card or customer at once, before any provider call', async () => {
    const entry = await stack.request('POST', '/v1/admin/blocklist', { body: { kind: 'email_domain', value: '@Fraud-Ring.test', reason: 'chargebacks' }, ...admin(stack) });
    expect(entry.status).toBe(201);
    expect(entry.body).toMatchObject({ kind: 'email_domain', value: 'fraud-ring.test' });
    const blocked = await stack.createPayment({ payment_method: 'pm_card_visa', receipt_email: 'mule@FRAUD-RING.test' });
    expect(blocked.status).toBe(201);
    expect(blocked.body).toMatchObject({ status: 'canceled', failure_code: 'blocked_by_risk_rules' });
    expect(await intentsOf(stack, blocked.body.id)).toBe(0);
    const events = await stack.events(blocked.body.id);
    expect(events).toContainEqual(expect.objectContaining({
      type: 'risk.blocked', data: expect.objectContaining({ findings: [{ rule: 'blocklist', outcome: 'block', figures: { kind: 'email_domain', value: 'fraud-ring.test' } }] }),
    }));
    await recordHistory(stack.client, blocked.body.id, 'take-payment-risk-blocked');

    const card = await sandboxStripe(stack.sandbox).paymentMethods.retrieve('pm_card_mastercard');
    await stack.request('POST', '/v1/admin/blocklist', { body: { kind: 'card_fingerprint', value: card.card!.fingerprint! }, ...admin(stack) });
    expect((await stack.createPayment({ payment_method: 'pm_card_mastercard' })).body.failure_code).toBe('blocked_by_risk_rules');
    expect((await stack.createPayment({ payment_method: 'pm_card_visa' })).body.status).toBe('succeeded');

    const list = await stack.request('GET', '/v1/admin/blocklist?kind=email_domain', admin(stack));
    const removed = await stack.request('DELETE', `/v1/admin/blocklist/${list.body.data[0].id}`, admin(stack));
    expect(removed.body).toMatchObject({ deleted: true, value: 'fraud-ring.test' });
    expect((await stack.createPayment({ payment_method: 'pm_card_visa', receipt_email: 'ann@fraud-ring.test' })).body.status).toBe('succeeded');
  });

  it("reviews what the provider rates risky; blocking it refunds the charge and flags the customer until cleared", async () => {
    const customer = uniqueCustomer();
    const risky = await stack.createPayment({ payment_method: 'pm_card_riskLevelElevated', customer_id: customer });
    expect(risky.body.status).toBe('succeeded');
    const review = await waitFor(async () => {
      const list = await stack.request('GET', '/v1/reviews?status=open&limit=100', admin(stack));
      return list.body.data.find((r: { payment_id: string }) => r.payment_id === risky.body.id);
    }, { what: 'provider risk review' });
    expect(review).toMatchObject({ kind: 'provider_risk', findings: [{ rule: 'provider_risk', figures: { risk_level: 'elevated' } }] });

    const blocked = await stack.request('POST', `/v1/payments/${risky.body.id}/review`, { body: { decision: 'block', reason: 'card testing' }, ...admin(stack) });
    expect(blocked.status).toBe(200);
    const refunds = await stack.request('GET', `/v1/payments/${risky.body.id}/refunds`);
    expect(refunds.body.data).toEqual([expect.objectContaining({ reason: 'fraudulent', amount: 2500 })]);
    expect(refunds.body.data[0].status).not.toBe('pending_review');
    await stack.waitForPayment(risky.body.id, (p) => p.amount_refunded === 2500);

    const next = await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer });
    expect(next.body).toMatchObject({ status: 'canceled', failure_code: 'blocked_by_risk_rules' });
    expect((await stack.request('DELETE', `/v1/customers/${customer}/risk-flag`, admin(stack))).status).toBe(200);
    expect((await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer })).body.status).toBe('succeeded');
  });

  it('flags the customer when a dispute of theirs is lost as fraudulent', async () => {
    const customer = uniqueCustomer();
    const paid = await stack.createPayment({ payment_method: 'pm_card_createDispute', customer_id: customer });
    expect(paid.body.status).toBe('succeeded');
    const dispute = await waitFor(async () => {
      const list = await stack.request('GET', `/v1/disputes?payment_id=${paid.body.id}`);
      return list.body.data[0];
    }, { what: 'the dispute' });
    const closed = await fetch(`${stack.sandbox.url}/_sandbox/disputes/${dispute.provider_dispute_id}/close`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'lost' }),
    });
    expect(closed.status).toBe(200);
    const flag = await waitFor(async () => (await stack.db('customers').where({ id: customer }).first('risk_flag'))?.risk_flag ?? undefined, { what: 'the customer flag' });
    expect(flag).toMatchObject({ payment_id: paid.body.id, flagged_by: 'stripe:dispute' });
    expect((await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer })).body.failure_code).toBe('blocked_by_risk_rules');
    expect((await stack.request('DELETE', `/v1/customers/${customer}/risk-flag`, admin(stack))).status).toBe(200);
  });

  it('pauses new payments in scope with 503 payments_paused and Retry-After until resumed; admins are alerted', async () => {
    const paused = await stack.request('POST', '/v1/admin/pause', { body: { scope: 'provider:stripe', reason: 'card testing attack' }, ...admin(stack) });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ object: 'pause', scope: 'provider:stripe', reason: 'card testing attack' });
    const refused = await stack.createPayment({ payment_method: 'pm_card_visa' });
    expect(refused.status).toBe(503);
    expect((refused.body as unknown as { error: object }).error).toMatchObject({ code: 'payments_paused', type: 'api_error' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await stack.createPayment({ payment_method_type: 'cash' })).status).toBe(201);
    const alerts = await stack.request('GET', '/v1/admin/alerts?limit=100', admin(stack));
    expect(alerts.body.data).toContainEqual(expect.objectContaining({ kind: 'processing_paused', severity: 'critical' }));

    const resumed = await stack.request('POST', '/v1/admin/resume', { body: {}, ...admin(stack) });
    expect(resumed.body.data).toEqual([expect.objectContaining({ scope: 'provider:stripe', ended_by: expect.stringContaining('api_key:admin_') })]);
    expect((await stack.createPayment({ payment_method: 'pm_card_visa' })).body.status).toBe('succeeded');
  });
});

describe('risk review expiry and automatic pause', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Reviews lapse after 3 seconds; two blocked attempts in the window pause everything.
    stack = await TestStack.start({ risk: { reviewAmount: 50_000, reviewExpiryHours: 3 / 3600 }, autoPause: { blockedAttempts: 2, windowMinutes: 1 } });
  });
  afterAll(async () => {
    await stack?.request('POST', '/v1/admin/resume', { body: {}, key: stack.adminKey });
    if (stack) await clearBlocklist(stack);
    await stack?.stop();
  });

  it('cancels a payment nobody reviewed in time', async () => {
    const held = await stack.createPayment({ amount: 60_000, payment_method: 'pm_card_visa' });
    expect(held.body.status).toBe('requires_review');
    const expired = await stack.waitForPayment(held.body.id, (p) => p.status === 'canceled');
    expect(expired.failure_code).toBe('blocked_by_risk_rules');
    expect(await intentsOf(stack, held.body.id)).toBe(0);
    const reviews = await stack.request('GET', '/v1/reviews?status=expired&limit=100', { key: stack.adminKey });
    expect(reviews.body.data).toContainEqual(expect.objectContaining({ payment_id: held.body.id, decided_by: 'workflow:review_expiry' }));
    await recordHistory(stack.client, held.body.id, 'take-payment-review-expired');
  });

  it('pauses processing by itself once blocked attempts pass the threshold', async () => {
    const customer = uniqueCustomer();
    await stack.request('POST', '/v1/admin/blocklist', { body: { kind: 'customer_id', value: customer }, key: stack.adminKey });
    for (let i = 0; i < 3; i += 1) {
      const attempt = await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: customer });
      if (attempt.status === 503) break;
      expect(attempt.body.failure_code).toBe('blocked_by_risk_rules');
    }
    const pauses = await waitFor(async () => {
      const list = await stack.request('GET', '/v1/admin/pauses', { key: stack.adminKey });
      return list.body.data.length > 0 ? list.body.data : undefined;
    }, { what: 'automatic pause' });
    expect(pauses).toEqual([expect.objectContaining({ scope: 'all', started_by: 'risk:auto_pause' })]);
    const refused = await stack.createPayment({ payment_method: 'pm_card_visa' });
    expect(refused.status).toBe(503);
  });
});
