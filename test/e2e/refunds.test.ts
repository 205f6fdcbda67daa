import { randomBytes } from 'node:crypto';
import { NOT_BLANK } from '../../api/schemas/common-schemas';
import type { Refund } from '../../domain/refund';
import { recordHistory } from '../support/histories';
import { setWebhookSwitches, resetWebhookSwitches } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { workflowTypesFound } from '../support/visibility';
import { waitFor } from '../support/wait';

const VALID_BE_IBAN = 'BE68 5390 0754 7034';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

async function paidPayment(options: { amount?: number; token?: string; locale?: string } = {}) {
  const customerId = `cus_${randomBytes(4).toString('hex')}`;
  const email = `${customerId}@customer.test`;
  const customer = await stack.request('POST', '/v1/customers', { body: { id: customerId, email, name: 'Camille Dupont', locale: options.locale ?? 'en' } });
  expect(customer.status).toBe(200);
  const payment = await stack.createPayment({ amount: options.amount ?? 10_000, payment_method: options.token ?? 'pm_card_visa', customer_id: customerId });
  expect(payment.body.status).toBe('succeeded');
  return { payment: payment.body, email, customerId };
}

const requestRefund = (paymentId: string, body: Record<string, unknown> = { reason: 'requested_by_customer' }) =>
  stack.request('POST', `/v1/payments/${paymentId}/refunds`, { body });
const admin = (path: string, body: Record<string, unknown> = {}) => stack.request<Refund>('POST', path, { body, key: stack.adminKey });
const refundNow = async (id: string) => (await stack.request<Refund>('GET', `/v1/refunds/${id}`)).body;
const waitForRefund = (id: string, predicate: (refund: Refund) => boolean) =>
  waitFor(async () => {
    const refund = await refundNow(id);
    return predicate(refund) ? refund : undefined;
  }, { what: `refund ${id}` });

describe('refunds approved by admins', () => {
  it('approves a full refund: money back once, payment refunded, everyone told', async () => {
    const { payment, email } = await paidPayment({ locale: 'fr' });
    await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'payment_receipt');

    const requested = await requestRefund(payment.id, { reason: 'requested_by_customer', details: 'Cours annulé' });
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ object: 'refund', payment_id: payment.id, amount: 10_000, currency: 'eur', status: 'pending_review', reason: 'requested_by_customer', details: 'Cours annulé', decided_by: null });
    const adminMail = await stack.mail.waitFor((m) => m.to.includes('ops@merchant.test') && m.text.includes(requested.body.id));
    expect(adminMail.text).toContain('approve');

    const queue = await stack.request('GET', '/v1/refunds?status=pending_review&limit=100', { key: stack.adminKey });
    expect(queue.body.data.map((r: Refund) => r.id)).toContain(requested.body.id);

    const approved = await admin(`/v1/refunds/${requested.body.id}/approve`, { reason: 'Course canceled by the venue' });
    expect(approved.status).toBe(200);
    expect(approved.body.decided_by).toMatch(/^api_key:admin_/);
    const done = await waitForRefund(requested.body.id, (r) => r.status === 'succeeded');
    expect(done.provider_refund_id).toMatch(/^re_/);
    expect(done.completed_at).toEqual(expect.any(String));

    const after = await stack.getPayment(payment.id);
    expect(after).toMatchObject({ status: 'refunded', amount_refunded: 10_000 });
    const receipt = await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_completed');
    expect(receipt.text).toContain('5 à 10 jours ouvrables');
    expect(receipt.text).toContain('100,00');
    expect(stack.mail.count((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_approved')).toBe(1);
    expect(stack.mail.count((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_completed')).toBe(1);

    const events = await stack.events(payment.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'refund.requested', source: 'api' }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'refund.approved', actor: approved.body.decided_by, data: expect.objectContaining({ reason: 'Course canceled by the venue' }) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'refund.succeeded', from_status: 'succeeded', to_status: 'refunded' }));
    const own = await stack.request('GET', `/v1/refunds/${requested.body.id}/events`);
    expect(own.body.data.map((e: { type: string }) => e.type)).toEqual(['refund.requested', 'refund.approved', 'refund.processing', 'refund.succeeded']);
    expect(own.body.data[1]).toMatchObject({ actor: approved.body.decided_by, data: expect.objectContaining({ reason: 'Course canceled by the venue' }) });
    const listed = await stack.request('GET', `/v1/payments/${payment.id}/refunds`);
    expect(listed.body.data).toHaveLength(1);

    // An operator finds the payment and its refund together in the Temporal UI.
    expect(await workflowTypesFound(stack.client, `DurapayPaymentId = '${payment.id}'`, ['refundPayment', 'takePayment'])).toEqual(expect.arrayContaining(['refundPayment', 'takePayment']));
    expect(await workflowTypesFound(stack.client, `DurapayCustomerId = '${payment.customer_id}' AND DurapayStatus = 'succeeded'`, ['takePayment'])).toEqual(['takePayment']);
    await recordHistory(stack.client, requested.body.id, 'refund-payment-approved');
    // The same since admins decide by Update (patch refund-step-rules).
    await recordHistory(stack.client, requested.body.id, 'refund-payment-approved-by-update');
  });

  it('refunds part, then the remainder, moving the payment to partially_refunded then refunded', async () => {
    const { payment } = await paidPayment({ amount: 5000 });
    const first = await requestRefund(payment.id, { reason: 'other', amount: 2000 });
    await admin(`/v1/refunds/${first.body.id}/approve`);
    await waitForRefund(first.body.id, (r) => r.status === 'succeeded');
    expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 2000 });
    const rest = await requestRefund(payment.id, { reason: 'other' });
    expect(rest.body.amount).toBe(3000);
    await admin(`/v1/refunds/${rest.body.id}/approve`);
    await waitForRefund(rest.body.id, (r) => r.status === 'succeeded');
    expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'refunded', amount_refunded: 5000 });
    const nothingLeft = await requestRefund(payment.id, { reason: 'other' });
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.body.error.code).toBe('payment_not_refundable');
  });

  it('denies with a reason, reopens once on appeal, then approves', async () => {
    const { payment, email } = await paidPayment();
    const requested = await requestRefund(payment.id);
    const merchantTry = await stack.request('POST', `/v1/refunds/${requested.body.id}/deny`, { body: { reason: 'no' } });
    expect(merchantTry.status).toBe(403);
    // A blank reason is refused, and the document says it is malformed (a fuzzer sent it as valid data before).
    expect((await admin(`/v1/refunds/${requested.body.id}/deny`, { reason: '   ' })).status).toBe(400);
    const document = (await stack.request('GET', '/openapi.json', { key: null })).body;
    expect(document.components.schemas.DenyRefundRequest.properties.reason.pattern).toBe(NOT_BLANK);
    const denied = await admin(`/v1/refunds/${requested.body.id}/deny`, { reason: 'The voucher was already used' });
    expect(denied.body).toMatchObject({ status: 'denied', decision_reason: 'The voucher was already used' });
    const deniedMail = await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_denied');
    expect(deniedMail.text).toContain('The voucher was already used');
    expect(deniedMail.text).toContain('appeal');

    const appealed = await stack.request<Refund>('POST', `/v1/refunds/${requested.body.id}/appeal`, { body: { details: 'The voucher was never used, see booking 77' } });
    expect(appealed.status).toBe(200);
    expect(appealed.body).toMatchObject({ status: 'pending_review', appeal_count: 1 });
    await stack.mail.waitFor((m) => m.to.includes('ops@merchant.test') && m.text.includes(requested.body.id) && m.headers['x-durapay-dedupe-key']?.includes(':requested:1:'));
    await admin(`/v1/refunds/${requested.body.id}/approve`);
    await waitForRefund(requested.body.id, (r) => r.status === 'succeeded');
    const again = await stack.request('POST', `/v1/refunds/${requested.body.id}/appeal`, { body: { details: 'again' } });
    expect(again.status).toBe(409);
    await recordHistory(stack.client, requested.body.id, 'refund-payment-denied-appealed');
    await recordHistory(stack.client, requested.body.id, 'refund-payment-denied-appealed-by-update');
  });

  it('enforces the policy: refundable status, amount and window', async () => {
    const failed = await stack.createPayment({ payment_method: 'pm_card_chargeDeclined' });
    const notRefundable = await requestRefund(failed.body.id);
    expect(notRefundable.status).toBe(409);
    expect(notRefundable.body.error).toMatchObject({ type: 'invalid_request_error', code: 'payment_not_refundable' });

    const { payment } = await paidPayment({ amount: 1000 });
    const tooMuch = await requestRefund(payment.id, { reason: 'other', amount: 1001 });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'amount_too_large', param: 'amount' });
    const badReason = await requestRefund(payment.id, { reason: 'because' });
    expect(badReason.status).toBe(400);
    expect(badReason.body.error.param).toBe('reason');

    // Test setup: age the payment past the 30-day window.
    await stack.db('payments').where({ id: payment.id }).update({ created_at: new Date(Date.now() - 31 * 24 * 3600 * 1000) });
    const late = await requestRefund(payment.id);
    expect(late.status).toBe(422);
    expect(late.body.error.code).toBe('refund_window_expired');
    expect(await stack.db('refunds').where({ payment_id: payment.id })).toHaveLength(0);
  });

  it('accepts exactly two of twenty simultaneous requests for 40% each', async () => {
    const { payment } = await paidPayment({ amount: 10_000 });
    const results = await Promise.all(Array.from({ length: 20 }, () => requestRefund(payment.id, { reason: 'duplicate', amount: 4000 })));
    expect(results.filter((r) => r.status === 202)).toHaveLength(2);
    const refused = results.filter((r) => r.status !== 202);
    expect(refused).toHaveLength(18);
    for (const result of refused) expect(result.body.error.code).toBe('amount_too_large');
    const [{ reserved }] = await stack.db('refunds').where({ payment_id: payment.id, reserves_amount: true }).sum({ reserved: 'amount' });
    expect(Number(reserved)).toBe(8000);
  });

  it('applies a refund once when its webhooks arrive twice', async () => {
    await setWebhookSwitches(stack.sandbox, { duplicate: true });
    try {
      const { payment } = await paidPayment({ amount: 3000 });
      const requested = await requestRefund(payment.id, { reason: 'other', amount: 1000 });
      await admin(`/v1/refunds/${requested.body.id}/approve`);
      const done = await waitForRefund(requested.body.id, (r) => r.status === 'succeeded');
      const rows = await waitFor(async () => {
        const found = await stack.db('webhook_events').where('type', 'like', 'refund.%').whereRaw(`normalized->'refund'->>'providerRefundId' = ?`, [done.provider_refund_id]);
        return found.length > 0 && found.every((row) => row.delivery_count === 2) ? found : undefined;
      }, { what: 'both deliveries of the refund webhooks' });
      expect(rows.length).toBeGreaterThan(0);
      expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'partially_refunded', amount_refunded: 1000 });
    } finally {
      await resetWebhookSwitches(stack.sandbox);
    }
  });

  it('asks for a bank account when the card cannot take the money back, then completes by transfer', async () => {
    const { payment, email } = await paidPayment({ amount: 4200, token: 'pm_card_refundFail' });
    const requested = await requestRefund(payment.id);
    await admin(`/v1/refunds/${requested.body.id}/approve`);
    const failed = await waitForRefund(requested.body.id, (r) => r.status === 'requires_alternative_method');
    expect(failed.failure_message).toMatch(/expired or been closed/);
    expect((await stack.getPayment(payment.id)).amount_refunded).toBe(0);
    const ask = await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_alternative_method_needed');
    expect(ask.text).toMatch(/IBAN/);

    const invalid = await stack.request('POST', `/v1/refunds/${requested.body.id}/alternative-method`, { body: { iban: 'BE68539007547035', account_holder_name: 'Camille Dupont' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_iban', param: 'iban' });
    const recorded = await stack.request<Refund>('POST', `/v1/refunds/${requested.body.id}/alternative-method`, { body: { iban: VALID_BE_IBAN, account_holder_name: 'Camille Dupont' } });
    expect(recorded.body.status).toBe('awaiting_manual_transfer');
    expect(recorded.body.alternative_method).toMatchObject({ type: 'bank_transfer', iban_last4: '7034', account_holder_name: 'Camille Dupont' });
    expect(recorded.body.alternative_method!.iban).toBeUndefined();
    const adminView = await stack.request<Refund>('GET', `/v1/refunds/${requested.body.id}`, { key: stack.adminKey });
    expect(adminView.body.alternative_method!.iban).toBe('BE68539007547034');

    const sent = await admin(`/v1/refunds/${requested.body.id}/mark-sent`, { reference: 'TRF-2026-001' });
    expect(sent.body.status).toBe('succeeded');
    expect(await stack.getPayment(payment.id)).toMatchObject({ status: 'refunded', amount_refunded: 4200 });
    await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_completed');
    await recordHistory(stack.client, requested.body.id, 'refund-payment-alternative-method');
    await recordHistory(stack.client, requested.body.id, 'refund-payment-alternative-method-by-update');
  });
});

describe('refund review timing and rules', () => {
  let timed: TestStack;
  beforeAll(async () => {
    timed = await TestStack.start({ refunds: { reviewReminderSeconds: 1, reviewExpirySeconds: 3, autoApproveMaxAmount: 500, autoApproveWithinHours: 24 } });
  });
  afterAll(async () => {
    await timed?.stop();
  });

  it('reminds the admins, then expires and releases the reservation', async () => {
    const payment = await timed.createPayment({ amount: 2000, payment_method: 'pm_card_visa' });
    const requested = await timed.request<Refund>('POST', `/v1/payments/${payment.body.id}/refunds`, { body: { reason: 'other' } });
    expect(requested.status).toBe(202);
    await timed.mail.waitFor((m) => m.headers['x-durapay-template'] === 'refund_review_reminder' && m.text.includes(requested.body.id));
    const expired = await waitFor(async () => {
      const refund = (await timed.request<Refund>('GET', `/v1/refunds/${requested.body.id}`)).body;
      return refund.status === 'expired' ? refund : undefined;
    }, { what: 'the refund to expire' });
    expect(expired.decided_by).toBeNull();
    const again = await timed.request<Refund>('POST', `/v1/payments/${payment.body.id}/refunds`, { body: { reason: 'other', amount: 2000 } });
    expect(again.status).toBe(202);
    await recordHistory(timed.client, requested.body.id, 'refund-payment-expired');
  });

  it('approves small, recent refunds by rule when auto-approval is configured', async () => {
    const payment = await timed.createPayment({ amount: 2000, payment_method: 'pm_card_visa' });
    const requested = await timed.request<Refund>('POST', `/v1/payments/${payment.body.id}/refunds`, { body: { reason: 'other', amount: 400 } });
    const done = await waitFor(async () => {
      const refund = (await timed.request<Refund>('GET', `/v1/refunds/${requested.body.id}`)).body;
      return refund.status === 'succeeded' ? refund : undefined;
    }, { what: 'the auto-approved refund' });
    expect(done.decided_by).toBe('rule:auto_approval');
    const big = await timed.request<Refund>('POST', `/v1/payments/${payment.body.id}/refunds`, { body: { reason: 'other', amount: 600 } });
    expect(big.body.status).toBe('pending_review');
  });
});
