import { randomBytes } from 'node:crypto';
import type { Refund } from '../../domain/refund';
import { sandboxStripe, setWebhookSwitches } from '../support/sandbox-control';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

// Issue #9, items 5 and 6: a refused refund is never paid twice; auto-approval is capped per payment.
let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ refunds: { autoApproveMaxAmount: 1000, autoApproveWithinHours: 24 } });
});
afterAll(async () => {
  await stack?.stop();
});

async function paidPayment(amount: number, token = 'pm_card_visa') {
  const customerId = `cus_${randomBytes(4).toString('hex')}`;
  await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test`, locale: 'en' } });
  const payment = await stack.createPayment({ amount, payment_method: token, customer_id: customerId });
  expect(payment.body.status).toBe('succeeded');
  return { payment: payment.body, email: `${customerId}@customer.test` };
}

const requestRefund = (paymentId: string, amount: number) =>
  stack.request<Refund>('POST', `/v1/payments/${paymentId}/refunds`, { body: { reason: 'requested_by_customer', amount } });
const refundNow = async (id: string) => (await stack.request<Refund>('GET', `/v1/refunds/${id}`)).body;
const settled = (id: string) =>
  waitFor(async () => {
    const refund = await refundNow(id);
    return ['succeeded', 'failed', 'requires_alternative_method', 'pending_review'].includes(refund.status) && refund.status !== 'pending_review' ? refund : undefined;
  }, { what: `refund ${id} to settle`, timeoutMs: 45_000 });

describe('refund failures are classified', () => {
  it('reconciles a refund the provider refuses as already refunded: no bank account asked, an admin alerted', async () => {
    const { payment, email } = await paidPayment(6000);
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    try {
      // Refunded in the provider's dashboard, which the engine has not heard of yet.
      await sandboxStripe(stack.sandbox).refunds.create({ payment_intent: payment.provider_payment_id! });
      const requested = await requestRefund(payment.id, 6000);
      expect(requested.status).toBe(202);
      await stack.request('POST', `/v1/refunds/${requested.body.id}/approve`, { body: {}, key: stack.adminKey });
      const done = await settled(requested.body.id);
      expect(done.status).toBe('failed');
      expect(done.alternative_method).toBeNull();
      // The alert is raised by its own activity, just after the refund is recorded failed.
      const alert = await waitFor(async () => {
        const alerts = (await stack.request('GET', '/v1/admin/alerts?limit=100', { key: stack.adminKey })).body.data as Array<{ kind: string; data: Record<string, unknown> }>;
        return alerts.find((a) => a.kind === 'refund_needs_reconciliation' && a.data.refund_id === requested.body.id);
      }, { what: 'the refund_needs_reconciliation alert' });
      expect(alert.data).toMatchObject({ provider_refusal_code: 'charge_already_refunded' });
      expect(stack.mail.count((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'refund_alternative_method_needed')).toBe(0);
      // The reservation is released: nothing stays counted as about to be paid.
      const [{ reserved }] = await stack.db('refunds').where({ payment_id: payment.id, reserves_amount: true }).sum({ reserved: 'amount' });
      expect(Number(reserved ?? 0)).toBe(0);
      await recordHistory(stack.client, requested.body.id, 'refund-payment-provider-refused');
    } finally {
      await setWebhookSwitches(stack.sandbox, { deliver: true });
    }
  });

  it('still asks for a bank account when the card can’t take the money back', async () => {
    const { payment } = await paidPayment(4200, 'pm_card_refundFail');
    const requested = await requestRefund(payment.id, 4200);
    await stack.request('POST', `/v1/refunds/${requested.body.id}/approve`, { body: {}, key: stack.adminKey });
    const done = await settled(requested.body.id);
    expect(done.status).toBe('requires_alternative_method');
  });
});

describe('auto-approval is capped per payment', () => {
  it('approves small refunds on their own only up to the cap in total, even requested at once', async () => {
    const { payment } = await paidPayment(5000);
    const requested = await Promise.all([1, 2, 3, 4].map(() => requestRefund(payment.id, 600)));
    expect(requested.every((r) => r.status === 202)).toBe(true);
    // 600 fits under the 1000 cap once; the others wait for an admin.
    const approvedByRule = await waitFor(async () => {
      const rows = await stack.db('refunds').where({ payment_id: payment.id });
      const decided = rows.filter((row) => row.decided_by === 'rule:auto_approval');
      return decided.length === 1 && rows.filter((row) => row.status === 'pending_review').length === 3 ? decided : undefined;
    }, { what: 'one auto-approved refund and three waiting for review' });
    expect(approvedByRule).toHaveLength(1);
    const succeeded = await waitFor(async () => ((await stack.getPayment(payment.id)).amount_refunded === 600 ? true : undefined), { what: 'the auto-approved refund' });
    expect(succeeded).toBe(true);
    const queue = (await stack.request('GET', '/v1/refunds?status=pending_review&limit=100', { key: stack.adminKey })).body.data.filter((r: Refund) => r.payment_id === payment.id);
    expect(queue).toHaveLength(3);
  });
});

describe('payout accounts and emails set through the API are seen', () => {
  const alertOf = (kind: string, match: (data: any) => boolean) =>
    waitFor(async () => (await stack.request('GET', '/v1/admin/alerts?limit=100', { key: stack.adminKey })).body.data.find((a: any) => a.kind === kind && match(a.data)), { what: `a ${kind} alert` });

  it('tells the customer and the admins when the merchant key sets a refund’s payout IBAN', async () => {
    const { payment, email } = await paidPayment(4200, 'pm_card_refundFail');
    const requested = await requestRefund(payment.id, 4200);
    await stack.request('POST', `/v1/refunds/${requested.body.id}/approve`, { body: {}, key: stack.adminKey });
    expect((await settled(requested.body.id)).status).toBe('requires_alternative_method');
    const set = await stack.request('POST', `/v1/refunds/${requested.body.id}/alternative-method`, { body: { iban: 'BE68 5390 0754 7034', account_holder_name: 'Someone Else' } });
    expect(set.status).toBe(200);
    const told = await stack.mail.waitFor((m) => m.to.includes(email) && m.headers['x-durapay-template'] === 'account_details_changed', 30_000);
    expect(told.text).toContain('7034');
    const alert = await alertOf('payout_account_set', (data) => data.refund_id === requested.body.id);
    expect(alert.data).toMatchObject({ iban_last4: '7034', account_holder_name: 'Someone Else', set_by: expect.stringContaining('merchant') });
  });

  it('tells the previous address and the admins when a customer’s email is changed', async () => {
    const customerId = `cus_${randomBytes(4).toString('hex')}`;
    await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test`, locale: 'fr' } });
    const changed = await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `attacker-${customerId}@evil.test`, locale: 'fr' } });
    expect(changed.status).toBe(200);
    const told = await stack.mail.waitFor((m) => m.to.includes(`${customerId}@customer.test`) && m.headers['x-durapay-template'] === 'account_details_changed', 30_000);
    expect(told.text).toContain(`attacker-${customerId}@evil.test`);
    await alertOf('customer_email_changed', (data) => data.customer_id === customerId && data.previous_email === `${customerId}@customer.test`);
  });
});
