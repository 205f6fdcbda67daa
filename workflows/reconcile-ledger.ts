import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_LISTING, STORAGE_SCAN } from './activity-options';
import { differencesKey, failureRateBucket, failureRateExceeded, type FailureRateSettings, type LedgerDifference } from '../domain/reconciliation';
import type { ReconcileLedgerInput, ReconcileLedgerResult } from './reconcile-definitions';

const storage = proxyActivities<Activities>(STORAGE_SCAN);
const listing = proxyActivities<Activities>(PROVIDER_LISTING);
const notification = proxyActivities<Activities>(NOTIFICATION);

const DEFAULT_LOOKBACK_SECONDS = 7 * 24 * 3600;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Compares the ledger with the payment records (every payment, and the totals per currency) and with each provider's
 * own figures for the payments it lists in the window, and raises one alert per distinct set of differences.
 * Reads only: what it finds is for people (or provider sync) to act on. Scheduled with provider sync, or on demand.
 */
export async function reconcileLedger(input: ReconcileLedgerInput): Promise<ReconcileLedgerResult> {
  const to = input.to ?? Math.floor(Date.now() / 1000) + 1;
  const window = { from: input.from ?? to - (input.lookbackSeconds ?? DEFAULT_LOOKBACK_SECONDS), to };
  const local = await storage.compareLedgerWithPayments();
  const differences: LedgerDifference[] = [...local.differences];
  let differenceCount = local.differenceCount;
  const providerPayments: Record<string, number | null> = {};
  for (const provider of input.providers) {
    const compared = await listing.compareLedgerWithProvider({ provider, window });
    providerPayments[provider] = compared.listed ? compared.checked : null;
    differences.push(...compared.differences);
    differenceCount += compared.differenceCount;
  }
  let alertId: string | null = null;
  if (differenceCount > 0) {
    const raised = await notification.raiseAlert({
      dedupeKey: `ledger_mismatch:${differencesKey(differences)}`, kind: 'ledger_mismatch', severity: 'critical',
      message: `The ledger disagrees with the payment records or a provider on ${differenceCount} figure(s)`,
      data: { reconcile_workflow_id: workflowInfo().workflowId, difference_count: differenceCount, differences: differences.slice(0, 20), window: { from: iso(window.from), to: iso(window.to) } },
    });
    alertId = raised.id;
  }
  if (input.failureRateAlert) await checkFailureRate(input.failureRateAlert);
  return {
    window: { from: iso(window.from), to: iso(window.to) }, checked: { payments: local.checked, provider_payments: providerPayments },
    difference_count: differenceCount, differences, totals: local.totals, alert_id: alertId,
  };
}

/** More than `percent` of the attempts of the last window failed (with enough attempts to say so): one alert per window. */
async function checkFailureRate(settings: FailureRateSettings): Promise<void> {
  const now = Date.now();
  const counts = await storage.countPaymentOutcomes({ fromMs: now - settings.windowMinutes * 60_000, toMs: now + 1 });
  if (!failureRateExceeded(counts, settings)) return;
  await notification.raiseAlert({
    dedupeKey: `failure_rate:${settings.windowMinutes}:${failureRateBucket(now, settings.windowMinutes)}`, kind: 'failure_rate', severity: 'critical',
    message: `${counts.failed} of ${counts.attempts} payment attempts failed in the last ${settings.windowMinutes} minutes (alert above ${settings.percent}%)`,
    data: { failed: counts.failed, attempts: counts.attempts, percent: Math.round((counts.failed * 1000) / counts.attempts) / 10, threshold_percent: settings.percent, window_minutes: settings.windowMinutes },
  });
}
