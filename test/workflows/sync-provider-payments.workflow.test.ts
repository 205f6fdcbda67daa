import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { SyncListing } from '../../activities/sync-activities';
import type { ProviderPaymentState } from '../../domain/provider-types';
import { SYNC_WORKFLOW_TYPE, type SyncProviderPaymentsInput, type SyncProviderPaymentsResult } from '../../workflows/sync-definitions';
import { startWorkflowWorker } from '../support/workflow-worker';

/** The real sync workflow on the real Temporal dev server, with activities faked at the edge. */
let workflowWorker: Awaited<ReturnType<typeof startWorkflowWorker>>;
let client: Client;
let taskQueue: string;

const WINDOW = { from: 1_790_000_000, to: 1_790_003_600 };
/** Per sync workflow id: what the listing returns, and what the other activities saw. */
const listings = new Map<string, SyncListing | Error>();
const corrections: Array<{ workflowId: string; paymentId: string }> = [];
const finished: Array<Parameters<Activities['finishSyncRun']>[0]> = [];
const alerts: Array<Parameters<Activities['raiseAlert']>[0]> = [];
let webhookFailures = { rejected: 0, failed: 0 };

const fakeActivities: Partial<Activities> = {
  async beginSyncRun(input) {
    return { from: input.from ?? WINDOW.from, to: input.to ?? WINDOW.to };
  },
  async listProviderChanges({ workflowId }) {
    const listing = listings.get(workflowId)!;
    if (listing instanceof Error) throw listing;
    return listing;
  },
  async recordSyncCorrection({ workflowId, paymentId }) {
    corrections.push({ workflowId, paymentId });
    return 'repaired';
  },
  async finishSyncRun(input) {
    finished.push(input);
  },
  async raiseAlert(request) {
    alerts.push(request);
    return { id: `alrt_${alerts.length}`, created: true };
  },
  async countWebhookFailures() {
    return webhookFailures;
  },
};

beforeAll(async () => {
  workflowWorker = await startWorkflowWorker('sync-workflow-test', fakeActivities);
  ({ client, taskQueue } = workflowWorker);
});

afterAll(async () => {
  await workflowWorker?.stop();
});

const counts = (extra: Partial<SyncListing['counts']> = {}) => ({ seen: 0, imported: 0, repaired: 0, unchanged: 0, errors: 0, ...extra });
const succeeded = (paymentId: string): ProviderPaymentState => ({
  provider: 'stripe', providerPaymentId: `pi_${paymentId}`, status: 'succeeded', amount: 1000, currency: 'eur', amountCaptured: 1000,
  providerStatus: 'succeeded', clientSecret: null, nextAction: null, failure: null, paymentId,
});

async function sync(workflowId: string, listing: SyncListing | Error, input: Partial<SyncProviderPaymentsInput> = {}): Promise<SyncProviderPaymentsResult> {
  listings.set(workflowId, listing);
  return client.workflow.execute(SYNC_WORKFLOW_TYPE, { workflowId, taskQueue, args: [{ provider: 'stripe', trigger: 'manual', ...input }] });
}

describe('syncProviderPayments: one provider against the engine, for a window', () => {
  it('signals a lagging payment whose workflow still runs, corrects one whose workflow finished, and alerts once', async () => {
    const run = randomBytes(4).toString('hex');
    const open = `pay_open${run}`;
    const closed = `pay_closed${run}`;
    // Stands in for the open payment's workflow: anything running under the payment's id receives the signal.
    const standIn = await client.workflow.start('handleDispute', {
      workflowId: open, taskQueue,
      args: [{ provider: 'stripe', providerDisputeId: `dp_${run}`, adminEmails: [], publicUrl: 'http://127.0.0.1', timing: { reminderHoursBeforeDue: 1, pollInitialSeconds: 3600, pollMaxSeconds: 3600 } }],
    });
    const workflowId = `sync-test-${run}`;
    const result = await sync(workflowId, {
      counts: counts({ seen: 3, unchanged: 1 }),
      laggingPayments: [{ paymentId: open, state: succeeded(open) }, { paymentId: closed, state: succeeded(closed) }],
      laggingRefunds: [{ refundId: `rfd_gone${run}`, state: { provider: 'stripe', providerRefundId: `re_${run}`, status: 'succeeded', amount: 100, refundId: `rfd_gone${run}`, failureReason: null } }],
    }, { from: WINDOW.from, to: WINDOW.to });

    // The open payment got the provider's state by signal, from source sync; the finished one a correction.
    const history = await standIn.fetchHistory();
    const signaled = history.events!.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'providerEvent');
    expect(signaled).toHaveLength(1);
    await standIn.terminate('test done');
    expect(corrections).toContainEqual({ workflowId, paymentId: closed });
    expect(corrections.map((correction) => correction.paymentId)).not.toContain(open);
    // A refund workflow that is gone can't be told: counted as an error, not repaired.
    expect(result.counts).toEqual(counts({ seen: 3, unchanged: 1, repaired: 2, errors: 1 }));
    // An explicit window leaves the cursor where it was.
    expect(finished.filter((run) => run.workflowId === workflowId)).toEqual([expect.objectContaining({ status: 'completed', advanceCursorTo: null, counts: result.counts })]);
    expect(alerts.filter((alert) => alert.dedupeKey === `sync_repaired:${workflowId}`)).toEqual([expect.objectContaining({ kind: 'sync_repaired', severity: 'warning', data: expect.objectContaining({ repaired: 2 }) })]);
  });

  it('moves the cursor after a default-window run, and checks the webhook failure rate when asked', async () => {
    const workflowId = `sync-test-${randomBytes(4).toString('hex')}`;
    webhookFailures = { rejected: 4, failed: 3 };
    const result = await sync(workflowId, { counts: counts({ seen: 1, imported: 1 }), laggingPayments: [], laggingRefunds: [] }, { trigger: 'schedule', webhookFailureAlert: { threshold: 5, intervalSeconds: 900 } });
    expect(result).toMatchObject({ window: WINDOW, counts: counts({ seen: 1, imported: 1 }) });
    expect(finished.filter((run) => run.workflowId === workflowId)).toEqual([expect.objectContaining({ status: 'completed', advanceCursorTo: WINDOW.to })]);
    // Nothing repaired: no repair alert; 7 webhook failures over a threshold of 5: one critical alert.
    expect(alerts.filter((alert) => alert.dedupeKey === `sync_repaired:${workflowId}`)).toEqual([]);
    expect(alerts).toContainEqual(expect.objectContaining({ kind: 'webhook_failures', severity: 'critical', data: expect.objectContaining({ rejected: 4, failed: 3, threshold: 5 }) }));
    webhookFailures = { rejected: 0, failed: 0 };
  });

  it('records a failed run when the listing fails for good, and fails', async () => {
    const workflowId = `sync-test-${randomBytes(4).toString('hex')}`;
    await expect(sync(workflowId, ApplicationFailure.nonRetryable('the provider refused the listing', 'ProviderRequestError'))).rejects.toThrow();
    expect(finished.filter((run) => run.workflowId === workflowId)).toEqual([expect.objectContaining({ status: 'failed', advanceCursorTo: null })]);
  });
});
