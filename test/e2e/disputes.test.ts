import Stripe from 'stripe';
import type { Payment } from '../../domain/payment';
import { disputeWorkflowId } from '../../domain/dispute';
import { workflowTypesFound } from '../support/visibility';
import { recordHistory } from '../support/histories';
import { resetWebhookSwitches, setWebhookSwitches } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/** Evidence is due just after the reminder lead (48 h): each open dispute's reminder falls due a few seconds in. */
const REMINDER_HOURS = 48;
const EVIDENCE_DUE_SECONDS = REMINDER_HOURS * 3600 + 4;

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({
    timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 },
    disputes: { reminderHoursBeforeDue: REMINDER_HOURS, pollInitialSeconds: 2, pollMaxSeconds: 2 },
    stripeDisputes: { delayMs: 1000, evidenceDueSeconds: EVIDENCE_DUE_SECONDS },
  });
});
afterAll(async () => {
  await stack?.stop();
});

interface ApiDispute {
  id: string;
  payment_id: string | null;
  provider: string;
  provider_dispute_id: string;
  amount: number;
  currency: string;
  reason: string;
  status: string;
  evidence_due_by: string | null;
  amount_lost: number;
}

async function disputesOf(paymentId: string): Promise<ApiDispute[]> {
  const listed = await stack.request<{ data: ApiDispute[] }>('GET', `/v1/disputes?payment_id=${paymentId}`);
  expect(listed.status).toBe(200);
  return listed.body.data;
}

async function waitForDispute(paymentId: string, predicate: (dispute: ApiDispute) => boolean = () => true): Promise<ApiDispute> {
  return waitFor(async () => (await disputesOf(paymentId)).find(predicate), { what: `a dispute of ${paymentId}` });
}

/** A card payment whose payer disputes it a second later (the sandbox's pm_card_createDispute). */
async function disputedCardPayment(amount = 2500): Promise<{ payment: Payment; dispute: ApiDispute }> {
  const created = await stack.createPayment({ amount, currency: 'eur', payment_method: 'pm_card_createDispute' });
  expect(created.status).toBe(201);
  expect(created.body.status).toBe('succeeded');
  const dispute = await waitForDispute(created.body.id);
  const payment = await stack.waitForPayment(created.body.id, (p) => p.status === 'disputed');
  return { payment, dispute };
}

async function closeStripeDispute(providerDisputeId: string, outcome: 'won' | 'lost'): Promise<void> {
  const response = await fetch(`${stack.sandbox.url}/_sandbox/disputes/${providerDisputeId}/close`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome }),
  });
  expect(response.status).toBe(200);
}

const toAdmin = (disputeId: string, subject: RegExp) => (message: { to: string[]; text: string; subject: string }) =>
  message.to.includes(stack.adminEmails[0]) && message.text.includes(disputeId) && subject.test(message.subject);

describe('disputes', () => {
  it('marks a disputed payment, emails admins, refuses refunds, and puts the payment back when the dispute is won', async () => {
    const { payment, dispute } = await disputedCardPayment();
    expect(dispute).toMatchObject({ payment_id: payment.id, provider: 'stripe', amount: 2500, currency: 'eur', reason: 'fraudulent', status: 'needs_response', amount_lost: 0 });
    expect(dispute.id).toMatch(/^dsp_[0-9a-f]{16}$/);
    expect(dispute.provider_dispute_id).toMatch(/^dp_/);
    expect(Date.parse(dispute.evidence_due_by!)).toBeGreaterThan(Date.now());
    expect(payment.dispute).toEqual({ id: dispute.id, status: 'needs_response', amount: 2500, amount_lost: 0 });

    const opened = await stack.mail.waitFor(toAdmin(dispute.id, /^Payment disputed/));
    expect(opened.text).toContain('€25.00');
    expect(opened.text).toContain('fraudulent');
    expect(opened.text).toContain(`${stack.apiUrl}/v1/disputes/${dispute.id}`);
    expect(opened.text).toContain(`${stack.apiUrl}/v1/payments/${payment.id}`);
    expect(opened.text).toContain(`${stack.sandbox.url}/v1/disputes/${dispute.provider_dispute_id}`);
    expect(opened.text).toMatch(/Evidence due by: .*UTC/);

    const refund = await stack.request('POST', `/v1/payments/${payment.id}/refunds`, { body: { reason: 'requested_by_customer' } });
    expect(refund.status).toBe(409);
    expect(refund.body.error.code).toBe('payment_disputed');

    await closeStripeDispute(dispute.provider_dispute_id, 'won');
    const back = await stack.waitForPayment(payment.id, (p) => p.dispute?.status === 'won');
    expect(back.status).toBe('succeeded');
    const won = await stack.request<ApiDispute>('GET', `/v1/disputes/${dispute.id}`);
    expect(won.body).toMatchObject({ id: dispute.id, status: 'won', amount_lost: 0 });
    await stack.mail.waitFor(toAdmin(dispute.id, /won$/));

    const history = await stack.events(payment.id);
    const lines = history.filter((line) => String(line.type).startsWith('dispute.'));
    expect(lines.map((line) => [line.type, line.from_status, line.to_status, line.source])).toEqual([
      ['dispute.opened', 'succeeded', 'disputed', 'webhook'],
      ['dispute.won', 'disputed', 'succeeded', 'webhook'],
    ]);
    await stack.waitForWorkflowClosed(disputeWorkflowId('stripe', dispute.provider_dispute_id));
    // An operator searching the Temporal UI by payment finds its dispute next to it.
    expect(await workflowTypesFound(stack.client, `DurapayPaymentId = '${payment.id}'`, ['handleDispute', 'takePayment'])).toEqual(expect.arrayContaining(['handleDispute', 'takePayment']));
    await recordHistory(stack.client, disputeWorkflowId('stripe', dispute.provider_dispute_id), 'handle-dispute-won');
  });

  it('records the disputed amount as lost when the dispute is lost', async () => {
    const { payment, dispute } = await disputedCardPayment(4200);
    await closeStripeDispute(dispute.provider_dispute_id, 'lost');
    const lost = await stack.waitForPayment(payment.id, (p) => p.dispute?.status === 'lost');
    expect(lost.status).toBe('disputed');
    expect(lost.dispute).toEqual({ id: dispute.id, status: 'lost', amount: 4200, amount_lost: 4200 });
    const read = await stack.request<ApiDispute>('GET', `/v1/disputes/${dispute.id}`);
    expect(read.body).toMatchObject({ status: 'lost', amount: 4200, amount_lost: 4200 });
    const email = await stack.mail.waitFor(toAdmin(dispute.id, /lost$/));
    expect(email.text).toContain('€42.00 is recorded as lost');
    const refund = await stack.request('POST', `/v1/payments/${payment.id}/refunds`, { body: { reason: 'requested_by_customer' } });
    expect(refund.body.error?.code).toBe('payment_disputed');
    await stack.waitForWorkflowClosed(disputeWorkflowId('stripe', dispute.provider_dispute_id));
    await recordHistory(stack.client, disputeWorkflowId('stripe', dispute.provider_dispute_id), 'handle-dispute-lost');
  });

  it('ends right when dispute webhooks come closed first, then created, then created again', async () => {
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    let providerDisputeId: string;
    let paymentId: string;
    try {
      const created = await stack.createPayment({ amount: 1800, currency: 'eur', payment_method: 'pm_card_createDispute' });
      paymentId = created.body.id;
      const stripe = new Stripe('sk_test_durapay_sandbox', { host: new URL(stack.sandbox.url).hostname, port: new URL(stack.sandbox.url).port, protocol: 'http', telemetry: false });
      const opened = await waitFor(async () => (await stripe.disputes.list({ payment_intent: created.body.provider_payment_id! })).data[0], { what: 'the sandbox dispute' });
      providerDisputeId = opened.id;
      await closeStripeDispute(providerDisputeId, 'lost');
      const events = (await stripe.events.list({ type: 'charge.dispute.*' } as Stripe.EventListParams)).data.filter((event) => (event.data.object as { id: string }).id === providerDisputeId);
      const byType = Object.fromEntries(events.map((event) => [event.type, event]));
      expect(Object.keys(byType).sort()).toEqual(['charge.dispute.closed', 'charge.dispute.created']);
      for (const event of [byType['charge.dispute.closed'], byType['charge.dispute.created'], byType['charge.dispute.created']]) {
        const payload = JSON.stringify(event);
        const response = await fetch(`${stack.apiUrl}/webhooks/stripe`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: stack.webhookSecret }) },
          body: payload,
        });
        expect(response.status).toBe(200);
        // Each one reaches the workflow before the next is sent: the order is the test's.
        await waitFor(async () => {
          const row = await stack.db('webhook_events').where({ provider: 'stripe', event_id: event.id }).first('processed_at');
          return row?.processed_at ? true : undefined;
        }, { what: `${event.type} processed` });
      }
    } finally {
      await resetWebhookSwitches(stack.sandbox);
    }
    const workflowId = disputeWorkflowId('stripe', providerDisputeId!);
    await stack.waitForWorkflowClosed(workflowId);
    const payment = await stack.waitForPayment(paymentId!, (p) => p.dispute?.status === 'lost');
    expect(payment).toMatchObject({ status: 'disputed', dispute: { status: 'lost', amount: 1800, amount_lost: 1800 } });
    const [dispute] = await disputesOf(paymentId!);
    expect(dispute).toMatchObject({ status: 'lost', amount_lost: 1800 });
    const lines = (await stack.events(paymentId!)).filter((line) => String(line.type).startsWith('dispute.'));
    expect(lines.map((line) => [line.type, line.from_status, line.to_status])).toEqual([['dispute.lost', 'succeeded', 'disputed']]);
    // One opening and one outcome email, however often the events came.
    expect(stack.mail.count(toAdmin(dispute.id, /^Payment disputed/))).toBe(1);
    expect(stack.mail.count(toAdmin(dispute.id, /lost$/))).toBe(1);
  });

  it('reminds admins before evidence is due', async () => {
    const { dispute } = await disputedCardPayment(990);
    const reminder = await stack.mail.waitFor(toAdmin(dispute.id, /^Reminder: evidence for dispute/));
    expect(reminder.text).toContain('€9.90');
    expect(reminder.text).toContain('still waits for your evidence');
    await closeStripeDispute(dispute.provider_dispute_id, 'won');
    await stack.waitForPayment(dispute.payment_id!, (p) => p.status === 'succeeded');
  });

  it('finds the outcome by asking Stripe when the closing webhook is lost', async () => {
    const { payment, dispute } = await disputedCardPayment(1200);
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    try {
      await closeStripeDispute(dispute.provider_dispute_id, 'won');
      const back = await stack.waitForPayment(payment.id, (p) => p.dispute?.status === 'won');
      expect(back.status).toBe('succeeded');
    } finally {
      await resetWebhookSwitches(stack.sandbox);
    }
    const lines = (await stack.events(payment.id)).filter((line) => line.type === 'dispute.won');
    expect(lines.map((line) => line.source)).toEqual(['sync']);
  });

  it('lists disputes with filters and answers 404 for an unknown one', async () => {
    const all = await stack.request<{ object: string; data: ApiDispute[] }>('GET', '/v1/disputes');
    expect(all.status).toBe(200);
    expect(all.body.object).toBe('list');
    expect(all.body.data.length).toBeGreaterThanOrEqual(4);
    const lost = await stack.request<{ data: ApiDispute[] }>('GET', '/v1/disputes?status=lost');
    expect(lost.body.data.length).toBeGreaterThanOrEqual(2);
    expect(lost.body.data.every((dispute) => dispute.status === 'lost')).toBe(true);
    // Pages follow one another without overlap; a cursor naming no dispute is a 404.
    const first = await stack.request<{ data: ApiDispute[]; has_more: boolean }>('GET', '/v1/disputes?limit=2');
    expect(first.body).toMatchObject({ has_more: true });
    const next = await stack.request<{ data: ApiDispute[] }>('GET', `/v1/disputes?limit=2&starting_after=${first.body.data[1].id}`);
    expect(next.body.data.map((dispute) => dispute.id)).toEqual(all.body.data.slice(2, 4).map((dispute) => dispute.id));
    expect((await stack.request('GET', '/v1/disputes?starting_after=dsp_0000000000000000')).status).toBe(404);
    const missing = await stack.request('GET', '/v1/disputes/dsp_0000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ type: 'invalid_request_error', code: 'resource_missing' });
    const badStatus = await stack.request('GET', '/v1/disputes?status=open');
    expect(badStatus.status).toBe(400);
  });

  it('handles a PayPal dispute from CUSTOMER.DISPUTE.CREATED to RESOLVED', async () => {
    const created = await stack.createPayment({ amount: 3000, currency: 'eur', provider: 'paypal' });
    expect(created.status).toBe(201);
    const approve = await fetch(created.body.next_action!.redirect_to_url.url, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=approve', redirect: 'manual',
    });
    const location = approve.headers.get('location');
    if (location) await fetch(location);
    await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');

    const opened = await fetch(`${stack.paypal.url}/_sandbox/disputes`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: created.body.provider_payment_id, reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED' }),
    });
    expect(opened.status).toBe(201);
    const providerDisputeId = ((await opened.json()) as { dispute_id: string }).dispute_id;
    const dispute = await waitForDispute(created.body.id);
    expect(dispute).toMatchObject({ provider: 'paypal', provider_dispute_id: providerDisputeId, amount: 3000, currency: 'eur', reason: 'product_not_received', status: 'needs_response' });
    await stack.waitForPayment(created.body.id, (p) => p.status === 'disputed');
    await stack.mail.waitFor(toAdmin(dispute.id, /^Payment disputed/));

    const resolved = await fetch(`${stack.paypal.url}/_sandbox/disputes/${providerDisputeId}/resolve`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'won' }),
    });
    expect(resolved.status).toBe(200);
    const back = await stack.waitForPayment(created.body.id, (p) => p.dispute?.status === 'won');
    expect(back.status).toBe('succeeded');
    await stack.waitForWorkflowClosed(disputeWorkflowId('paypal', providerDisputeId));
  });
});
