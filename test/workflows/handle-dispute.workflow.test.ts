import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Activities } from '../../activities';
import type { PaymentDisputeOutcome } from '../../activities/dispute-activities';
import { type Dispute, disputeIdFor } from '../../domain/dispute';
import type { ProviderDisputeState } from '../../domain/provider-types';
import { disputeEventSignal, type HandleDisputeInput } from '../../workflows/dispute-definitions';
import { startWorkflowWorker } from '../support/workflow-worker';

/** The real dispute workflow on the real Temporal dev server, with activities faked at the edge. */
let workflowWorker: Awaited<ReturnType<typeof startWorkflowWorker>>;
let client: Client;
let taskQueue: string;

/** What each fake activity saw, per provider dispute id. */
const calls = new Map<string, { applied: PaymentDisputeOutcome[]; emails: string[]; flagged: number; polls: number }>();
/** What applyDisputeToPayment answers, in turn (the last answer repeats). */
const paymentAnswers = new Map<string, PaymentDisputeOutcome[]>();
/** What the provider says when polled (null: it can't be asked). */
const providerAnswers = new Map<string, ProviderDisputeState | null>();
const recorded = new Map<string, Dispute>();
const seen = (providerDisputeId: string) => {
  if (!calls.has(providerDisputeId)) calls.set(providerDisputeId, { applied: [], emails: [], flagged: 0, polls: 0 });
  return calls.get(providerDisputeId)!;
};
const providerIdOf = (disputeId: string) => [...recorded.values()].find((dispute) => dispute.id === disputeId)!.provider_dispute_id;

const fakeActivities: Partial<Activities> = {
  async recordDisputeState({ state }) {
    const before = recorded.get(state.providerDisputeId);
    const dispute: Dispute = {
      id: disputeIdFor(state.provider, state.providerDisputeId), object: 'dispute', payment_id: state.paymentId, provider: state.provider,
      provider_dispute_id: state.providerDisputeId, provider_payment_id: state.providerPaymentId, amount: state.amount, currency: state.currency,
      reason: state.reason, status: state.status, evidence_due_by: null, amount_lost: state.status === 'lost' ? state.amount : 0, provider_url: null,
      created_at: new Date().toISOString(), updated_at: new Date().toISOString(), closed_at: null,
    };
    recorded.set(state.providerDisputeId, dispute);
    return { dispute, change: before ? (before.status === state.status ? 'ignored' : 'applied') : 'created' };
  },
  async applyDisputeToPayment({ disputeId }) {
    const id = providerIdOf(disputeId);
    const answers = paymentAnswers.get(id) ?? ['updated'];
    const outcome = answers.length > 1 ? answers.shift()! : answers[0];
    seen(id).applied.push(outcome);
    return { outcome, paymentStatus: outcome === 'updated' ? 'disputed' : 'succeeded' };
  },
  async sendEmail(request) {
    seen(String(request.data.provider_dispute_id)).emails.push(`${request.template}:${request.to}`);
    return { status: 'sent' as const };
  },
  async flagPaymentCustomer({ paymentId }) {
    seen(paymentId.replace(/^pay_/, '')).flagged += 1;
    return `cus_${paymentId}`;
  },
  async getProviderDispute({ providerDisputeId }) {
    seen(providerDisputeId).polls += 1;
    return providerAnswers.get(providerDisputeId) ?? null;
  },
};

beforeAll(async () => {
  workflowWorker = await startWorkflowWorker('dispute-workflow-test', fakeActivities);
  ({ client, taskQueue } = workflowWorker);
});

afterAll(async () => {
  await workflowWorker?.stop();
});

function state(providerDisputeId: string, status: ProviderDisputeState['status'], reason = 'fraudulent'): ProviderDisputeState {
  return {
    provider: 'stripe', providerDisputeId, providerPaymentId: `pi_${providerDisputeId}`, paymentId: `pay_${providerDisputeId}`, amount: 2500, currency: 'eur',
    reason, status, providerStatus: status, evidenceDueBy: null, providerUrl: null,
  };
}

const input = (providerDisputeId: string, pollInitialSeconds: number): HandleDisputeInput => ({
  provider: 'stripe', providerDisputeId, adminEmails: ['ops@merchant.test', 'cfo@merchant.test'], publicUrl: 'http://127.0.0.1:3000',
  timing: { reminderHoursBeforeDue: 24, pollInitialSeconds, pollMaxSeconds: pollInitialSeconds },
});

/** As the webhook inbox does: signal-with-start on the dispute's own workflow id. */
async function deliver(providerDisputeId: string, status: ProviderDisputeState['status'], pollInitialSeconds = 3600) {
  return client.workflow.signalWithStart('handleDispute', {
    workflowId: `dispute-test-${providerDisputeId}`, taskQueue, args: [input(providerDisputeId, pollInitialSeconds)],
    signal: disputeEventSignal,
    signalArgs: [{ event: { provider: 'stripe', eventId: `evt_${providerDisputeId}_${status}`, type: `charge.dispute.${status}`, createdAt: 1, providerPaymentId: `pi_${providerDisputeId}`, paymentId: `pay_${providerDisputeId}`, state: null, refund: null, dispute: state(providerDisputeId, status) }, webhookEventId: null }],
  });
}

describe('handleDispute: one workflow per provider dispute', () => {
  it('marks the payment once its workflow has finished, mails admins once per step, and ends with the outcome', async () => {
    const id = `dp${randomBytes(4).toString('hex')}`;
    // The payment's own workflow is still closing at first: the dispute waits and checks again.
    paymentAnswers.set(id, ['waiting', 'updated']);
    const handle = await deliver(id, 'needs_response', 1);
    await deliver(id, 'needs_response', 1);
    await deliver(id, 'lost', 1);
    const result = await handle.result();
    expect(result).toMatchObject({ provider_dispute_id: id, status: 'lost', amount_lost: 2500 });
    const seenHere = seen(id);
    expect(seenHere.applied[0]).toBe('waiting');
    expect(seenHere.applied.at(-1)).toBe('updated');
    expect(seenHere.emails.sort()).toEqual([
      'dispute_closed:cfo@merchant.test', 'dispute_closed:ops@merchant.test', 'dispute_opened:cfo@merchant.test', 'dispute_opened:ops@merchant.test',
    ]);
    // Lost as fraudulent: the customer is flagged, once.
    expect(seenHere.flagged).toBe(1);
  });

  it('asks the provider when the closing webhook never comes, and ends with what the provider says', async () => {
    const id = `dp${randomBytes(4).toString('hex')}`;
    providerAnswers.set(id, state(id, 'won'));
    const handle = await deliver(id, 'needs_response', 1);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'won', amount_lost: 0 });
    expect(seen(id).polls).toBeGreaterThanOrEqual(1);
    expect(seen(id).flagged).toBe(0);
    expect(seen(id).emails).toContain('dispute_closed:ops@merchant.test');
  });
});
