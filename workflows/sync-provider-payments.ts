import { getExternalWorkflowHandle, isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_LISTING, STORAGE } from './activity-options';
import type { LaggingPayment, LaggingRefund } from '../activities/sync-activities';
import { addCounts, type SyncCounts, webhookAlertBucket, webhookFailuresExceed } from '../domain/provider-sync';
import { providerEventSignal, type ProviderEventSignal } from './definitions';
import { providerRefundSignal } from './refund-definitions';
import type { SyncProviderPaymentsInput, SyncProviderPaymentsResult } from './sync-definitions';

const storage = proxyActivities<Activities>(STORAGE);
// Pages through the provider; heartbeats its cursor so a retry resumes where it stopped. A 429 sets its own retry delay.
const listing = proxyActivities<Activities>(PROVIDER_LISTING);
const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * Reconciles one provider with the engine's record for a window of time: payments made outside the engine are
 * imported, payments and refunds whose webhooks were lost are repaired. Started by a Temporal Schedule per provider,
 * or by POST /v1/admin/sync.
 */
export async function syncProviderPayments(input: SyncProviderPaymentsInput): Promise<SyncProviderPaymentsResult> {
  const { workflowId } = workflowInfo();
  const { provider } = input;
  const window = await storage.beginSyncRun({ workflowId, provider, trigger: input.trigger, from: input.from, to: input.to });
  let counts: SyncCounts;
  try {
    const listed = await listing.listProviderChanges({ workflowId, provider, window });
    counts = listed.counts;
    for (const lagging of listed.laggingPayments) counts = addCounts(counts, { [await repairPayment(workflowId, lagging)]: 1 });
    for (const lagging of listed.laggingRefunds) counts = addCounts(counts, { [await repairRefund(workflowId, lagging)]: 1 });
  } catch (error) {
    if (!isCancellation(error)) {
      await storage.finishSyncRun({ workflowId, provider, status: 'failed', counts: { seen: 0, imported: 0, repaired: 0, unchanged: 0, errors: 0 }, error: String(error), advanceCursorTo: null });
    }
    throw error;
  }
  const defaultWindow = input.from === undefined && input.to === undefined;
  await storage.finishSyncRun({ workflowId, provider, status: 'completed', counts, advanceCursorTo: defaultWindow ? window.to : null });

  if (counts.repaired > 0) {
    await notification.raiseAlert({
      dedupeKey: `sync_repaired:${workflowId}`, kind: 'sync_repaired', severity: 'warning',
      message: `${provider} sync repaired ${counts.repaired} payment(s) or refund(s) whose webhooks were missed`,
      data: { provider, sync_workflow_id: workflowId, repaired: counts.repaired, imported: counts.imported,
        window: { from: isoFromSeconds(window.from), to: isoFromSeconds(window.to) } },
    });
  }
  if (input.webhookFailureAlert) await checkWebhookFailures(provider, input.webhookFailureAlert);
  return { provider, window, counts };
}

/** A running payment workflow gets the provider's state as a signal; a finished one gets its row corrected. */
async function repairPayment(workflowId: string, { paymentId, state }: LaggingPayment): Promise<keyof SyncCounts> {
  const signal: ProviderEventSignal = {
    event: {
      provider: state.provider, eventId: `sync:${workflowId}:${state.providerPaymentId}`, type: 'sync.provider_state',
      createdAt: Math.floor(Date.now() / 1000), providerPaymentId: state.providerPaymentId, paymentId, state, refund: null,
    },
    webhookEventId: null,
    source: 'sync',
  };
  try {
    await getExternalWorkflowHandle(paymentId).signal(providerEventSignal, signal);
    return 'repaired';
  } catch (error) {
    if (isCancellation(error)) throw error;
    return storage.recordSyncCorrection({ workflowId, paymentId, state });
  }
}

/** A refund still waiting for the provider gets its answer; a finished refund workflow has nothing left to wait for. */
async function repairRefund(workflowId: string, { refundId, state }: LaggingRefund): Promise<keyof SyncCounts> {
  try {
    await getExternalWorkflowHandle(refundId).signal(providerRefundSignal, {
      event: {
        provider: state.provider, eventId: `sync:${workflowId}:${state.providerRefundId}`, type: 'sync.refund_state',
        createdAt: Math.floor(Date.now() / 1000), providerPaymentId: state.providerPaymentId ?? null, paymentId: null, state: null, refund: state,
      },
      webhookEventId: null,
    });
    return 'repaired';
  } catch (error) {
    if (isCancellation(error)) throw error;
    return 'errors';
  }
}

/** Verification and hand-off failures over the last interval; one alert per interval and provider. */
async function checkWebhookFailures(provider: string, { threshold, intervalSeconds }: { threshold: number; intervalSeconds: number }): Promise<void> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const failures = await storage.countWebhookFailures({ provider, sinceSeconds: nowSeconds - intervalSeconds });
  if (!webhookFailuresExceed({ ...failures, threshold })) return;
  await notification.raiseAlert({
    dedupeKey: `webhook_failures:${provider}:${webhookAlertBucket(nowSeconds, intervalSeconds)}`, kind: 'webhook_failures', severity: 'critical',
    message: `${failures.rejected + failures.failed} ${provider} webhooks failed in the last ${Math.round(intervalSeconds / 60)} minutes (threshold ${threshold})`,
    data: { provider, rejected: failures.rejected, failed: failures.failed, threshold, interval_seconds: intervalSeconds },
  });
}

/** Alerts speak UTC ISO times, like every API response (pure, so deterministic). */
function isoFromSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
