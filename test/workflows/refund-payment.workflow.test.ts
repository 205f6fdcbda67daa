import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { Refund } from '../../domain/refund';
import {
  appealRefundUpdate, decideRefundUpdate, markTransferSentUpdate, refundDecisionSignal, refundQuery, refundRequestedUpdate, type RefundPaymentInput,
} from '../../workflows/refund-definitions';
import { recordHistory } from '../support/histories';
import { waitFor } from '../support/wait';
import { startWorkflowWorker, updateRefusal } from '../support/workflow-worker';

/** The real refund workflow on the real Temporal dev server, with activities faked at the edge. */
let client: Client;
let taskQueue: string;
let stopWorker: () => Promise<void>;
const saved: Array<Parameters<Activities['saveRefund']>[0]> = [];
/** Refunds whose emails the SMTP server holds (slow, or down) until the test lets them go; and the emails begun. */
const slowMail = new Map<string, { release: () => void; released: Promise<void> }>();
const mailsBegun: string[] = [];
function holdMailOf(refundId: string): () => void {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  slowMail.set(refundId, { release, released });
  return release;
}

/** Refunds of a PayPal payment made 200 days ago (PayPal takes refunds for 180), and the provider refunds asked for. */
const OLD_PAYPAL_PAYMENT = 'rfd_wf_old_';
const providerRefundsAsked: string[] = [];

const fakeActivities: Partial<Activities> = {
  async reserveRefund(input) {
    const payment = input.refund.id.startsWith(OLD_PAYPAL_PAYMENT)
      ? { provider: 'paypal', provider_payment_id: 'ORDER1', created_at: new Date(Date.now() - 200 * 24 * 3600 * 1000).toISOString() }
      : { provider: 'stripe', provider_payment_id: 'pi_1', created_at: new Date().toISOString() };
    return { ok: true, refund: { ...input.refund, amount: 1000, currency: 'eur' }, payment, autoApproved: false };
  },
  async saveRefund(input) {
    saved.push(input);
  },
  async findCustomerContact(input) {
    return slowMail.has(input.paymentId.slice('pay_'.length)) ? { email: 'customer@example.test', name: 'Camille', locale: 'en' } : null;
  },
  async sendEmail(input) {
    mailsBegun.push(input.dedupeKey);
    await slowMail.get(input.dedupeKey.split(':')[0])?.released;
    return { status: 'sent' as const };
  },
  async recheckRefundRoom() {
    return { ok: true as const };
  },
  // The provider takes its time: the refund stays processing while the tests look at it.
  async createProviderRefund(input) {
    providerRefundsAsked.push(input.refundId);
    return { provider: 'stripe', providerRefundId: `re_${input.refundId}`, status: 'pending' as const, amount: input.amount ?? 1000, refundId: input.refundId, failureReason: null, currency: 'eur' };
  },
  async getProviderRefund(input) {
    return { provider: 'stripe', providerRefundId: input.providerRefundId, status: 'pending' as const, amount: 1000, refundId: null, failureReason: null, currency: 'eur' };
  },
};

beforeAll(async () => {
  ({ client, taskQueue, stop: stopWorker } = await startWorkflowWorker('refund-workflow-test', fakeActivities));
});

afterAll(() => stopWorker());

function input(refundId: string): RefundPaymentInput {
  const refund: Refund = {
    id: refundId, object: 'refund', payment_id: `pay_${refundId}`, amount: 0, currency: '', reason: 'requested_by_customer', details: null,
    status: 'pending_review', requested_at: new Date().toISOString(), requested_by: 'test', decided_by: null, decided_at: null, decision_reason: null,
    provider_refund_id: null, completed_at: null, failure_message: null, appeal_count: 0, appeal_details: null, alternative_method: null,
  };
  const timing = { reviewReminderSeconds: 3600, reviewExpirySeconds: 7200, appealWindowSeconds: 3600, pollInitialSeconds: 600, pollMaxSeconds: 600, alternativeMethodWaitSeconds: 3600 };
  return { refund, requestedAmount: null, windowDays: 30, timing, autoApproval: null, adminEmails: ['ops@example.test'] };
}

async function started(id = `rfd_wf_${randomBytes(4).toString('hex')}`) {
  const handle = await client.workflow.start('refundPayment', { workflowId: id, taskQueue, args: [input(id)] });
  expect((await handle.executeUpdate(refundRequestedUpdate)).status).toBe('pending_review');
  return { id, handle };
}

const linesOf = (refundId: string) => saved.filter((s) => s.refund.id === refundId).map((s) => s.line);

describe('refundPayment workflow: steps by Update, and by signal under the same rules', () => {
  it('answers an approval with the approved refund, refuses what the refund no longer waits for, and ignores a rule-breaking signal', async () => {
    const { id, handle } = await started();
    // A step the refund isn't waiting for is refused by the validator: nothing reaches the history.
    expect(await updateRefusal(handle.executeUpdate(markTransferSentUpdate, { args: [{ actor: 'admin', reference: null }] })))
      .toEqual({ kind: 'state_conflict', code: 'refund_unexpected_state' });
    expect(await updateRefusal(handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'deny', actor: 'admin', reason: ' ' }] })))
      .toEqual({ kind: 'invalid_input', code: 'parameter_missing', param: 'reason' });

    const approved = await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'approve', actor: 'admin:1', reason: 'ok' }] });
    expect(approved).toMatchObject({ status: 'approved', decided_by: 'admin:1', decision_reason: 'ok' });
    // Approving again is answered with the refund as it is; denying now is refused.
    expect((await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'approve', actor: 'admin:2', reason: null }] })).decided_by).toBe('admin:1');
    expect((await updateRefusal(handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'deny', actor: 'admin:2', reason: 'no' }] }))).code).toBe('refund_unexpected_state');

    // An operator's signal under the same rule: recorded in the refund's history, and nothing else changes.
    await handle.signal(refundDecisionSignal, { decision: 'deny', actor: 'operator:cli', reason: 'changed my mind' });
    const ignored = await waitFor(async () => linesOf(id).find((line) => line.type === 'refund.step_ignored'), { what: 'the ignored signal recorded' });
    expect(ignored).toMatchObject({ actor: 'operator:cli', data: { step: 'deny', code: 'refund_unexpected_state' } });
    expect((await handle.query(refundQuery)).status).toBe('processing');
    expect(linesOf(id).map((line) => line.type)).not.toContain('refund.denied');
    await handle.terminate('test done');
    await recordHistory(client, id, 'refund-payment-signal-ignored');
  });

  it('takes a denial and one appeal by Update; a second appeal is refused', async () => {
    const { handle } = await started();
    expect(await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'deny', actor: 'admin', reason: 'voucher used' }] }))
      .toMatchObject({ status: 'denied', decision_reason: 'voucher used' });
    expect(await handle.executeUpdate(appealRefundUpdate, { args: [{ actor: 'merchant', details: 'never used' }] }))
      .toMatchObject({ status: 'pending_review', appeal_count: 1, appeal_details: 'never used' });
    expect(await updateRefusal(handle.executeUpdate(appealRefundUpdate, { args: [{ actor: 'merchant', details: 'again' }] })))
      .toEqual({ kind: 'state_conflict', code: 'appeal_already_used' });
    await handle.terminate('test done');
  });

  it('lets a valid decision signal through, as operators send it', async () => {
    const { id, handle } = await started();
    await handle.signal(refundDecisionSignal, { decision: 'approve', actor: 'operator:ui', reason: null });
    await waitFor(async () => ((await handle.query(refundQuery)).status === 'processing' ? true : undefined), { what: 'processing' });
    expect(linesOf(id)).toContainEqual(expect.objectContaining({ type: 'refund.approved', actor: 'operator:ui' }));
    expect(linesOf(id).map((line) => line.type)).not.toContain('refund.step_ignored');
    await handle.terminate('test done');
  });
});

describe('refundPayment workflow: emails never hold a step', () => {
  it("takes a denial, an appeal and an approval while the admins' and the customer's emails are still going out", async () => {
    const id = `rfd_wf_${randomBytes(4).toString('hex')}`;
    const release = holdMailOf(id);
    try {
      const { handle } = await started(id);
      await waitFor(async () => (mailsBegun.includes(`${id}:requested:0:ops@example.test`) ? true : undefined), { what: "the admins' email begun" });
      // Before: each step waited for the email in front of it, so a slow SMTP server held the API's answer (503).
      expect(await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'deny', actor: 'admin', reason: 'voucher used' }] })).toMatchObject({ status: 'denied' });
      await waitFor(async () => (mailsBegun.includes(`${id}:denied:0:customer@example.test`) ? true : undefined), { what: "the customer's denial email begun" });
      expect(await handle.executeUpdate(appealRefundUpdate, { args: [{ actor: 'merchant', details: 'never used' }] })).toMatchObject({ status: 'pending_review', appeal_count: 1 });
      expect(await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'approve', actor: 'admin', reason: 'ok' }] })).toMatchObject({ status: 'approved' });
      expect(linesOf(id).map((line) => line.type).slice(0, 2)).toEqual(['refund.denied', 'refund.approved']);
      release();
      await waitFor(async () => ((await handle.query(refundQuery)).status === 'processing' ? true : undefined), { what: 'processing' });
      await handle.terminate('test done');
      await recordHistory(client, id, 'refund-payment-steps-beside-emails');
    } finally {
      release();
    }
  });
});

describe("refundPayment workflow: past the provider's refund window", () => {
  it('asks the customer for a bank account without asking PayPal, once the payment is older than its 180 days', async () => {
    const { id, handle } = await started(`${OLD_PAYPAL_PAYMENT}${randomBytes(4).toString('hex')}`);
    expect(await handle.executeUpdate(decideRefundUpdate, { args: [{ decision: 'approve', actor: 'admin', reason: 'goodwill' }] })).toMatchObject({ status: 'approved' });
    const waiting = await waitFor(async () => {
      const refund = await handle.query(refundQuery);
      return refund.status === 'requires_alternative_method' ? refund : undefined;
    }, { what: 'the refund to ask for a bank account' });
    expect(waiting.failure_message).toContain('PayPal sends money back only within 180 days of the payment');
    expect(linesOf(id)).toContainEqual(expect.objectContaining({ type: 'refund.bank_transfer_needed', data: { provider: 'paypal', provider_window_days: 180 } }));
    expect(providerRefundsAsked).not.toContain(id);
    await handle.terminate('test done');
    await recordHistory(client, id, 'refund-payment-past-provider-window');
  });
});
