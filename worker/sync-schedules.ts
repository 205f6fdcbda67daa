import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { FailureRateSettings } from '../domain/reconciliation';
import { RECONCILE_WORKFLOW_TYPE, type ReconcileLedgerInput } from '../workflows/reconcile-definitions';
import { SYNC_WORKFLOW_TYPE, type SyncProviderPaymentsInput } from '../workflows/sync-definitions';

export interface SyncScheduleOptions {
  /** Configured providers only: an unconfigured one would fail every run. */
  providers: string[];
  intervalMinutes: number;
  taskQueue: string;
  webhookFailureAlertThreshold: number;
  /** Keeps schedules of separate installations (or test stacks) sharing one namespace apart. */
  idSuffix?: string;
}

/** durapay-sync-stripe: search for it in the Temporal UI's Schedules page. */
export function syncScheduleId(provider: string, idSuffix?: string): string {
  return idSuffix ? `durapay-sync-${provider}-${idSuffix}` : `durapay-sync-${provider}`;
}

/** durapay-reconcile-ledger: the ledger's reconciliation, on the sync interval. */
export function reconcileScheduleId(idSuffix?: string): string {
  return idSuffix ? `durapay-reconcile-ledger-${idSuffix}` : 'durapay-reconcile-ledger';
}

/**
 * Creates the schedule, or updates it when its interval, task queue or arguments changed; creating it again is
 * harmless. Overlapping runs are skipped: a slow run is never doubled.
 */
export async function ensureSchedule(
  client: Client,
  options: { scheduleId: string; intervalMinutes: number; taskQueue: string; workflowType: string; args: unknown[]; memo: Record<string, unknown>; note: string },
): Promise<string> {
  const everyMs = Math.round(options.intervalMinutes * 60) * 1000;
  const { scheduleId, taskQueue, note } = options;
  const action = { type: 'startWorkflow' as const, workflowType: options.workflowType, taskQueue, workflowId: scheduleId, args: options.args, memo: options.memo };
  const spec = { intervals: [{ every: everyMs }] };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: everyMs };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies, state: { note } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const unchanged =
      current.spec.intervals?.length === 1 && current.spec.intervals[0].every === everyMs &&
      current.action.taskQueue === taskQueue && JSON.stringify(current.action.args) === JSON.stringify(options.args);
    if (!unchanged) {
      await handle.update((previous) => ({ ...previous, spec, policies: { ...previous.policies, ...policies }, action, state: { ...previous.state, note } }));
    }
  }
  return scheduleId;
}

/** One Temporal Schedule per provider, created when a worker starts. */
export async function ensureSyncSchedules(client: Client, options: SyncScheduleOptions): Promise<string[]> {
  const ids: string[] = [];
  for (const provider of options.providers) {
    const input: SyncProviderPaymentsInput = {
      provider, trigger: 'schedule',
      webhookFailureAlert: { threshold: options.webhookFailureAlertThreshold, intervalSeconds: Math.round(options.intervalMinutes * 60) },
    };
    ids.push(await ensureSchedule(client, {
      scheduleId: syncScheduleId(provider, options.idSuffix), intervalMinutes: options.intervalMinutes, taskQueue: options.taskQueue,
      workflowType: SYNC_WORKFLOW_TYPE, args: [input], memo: { provider, trigger: 'schedule' },
      note: `Reconciles ${provider} with Durapay every ${options.intervalMinutes} min (SYNC_INTERVAL_MINUTES).`,
    }));
  }
  return ids;
}

/** The ledger's reconciliation (and the failure-rate check) on the same interval as provider sync. */
export async function ensureReconcileSchedule(
  client: Client,
  options: { providers: string[]; intervalMinutes: number; taskQueue: string; failureRateAlert: FailureRateSettings; idSuffix?: string },
): Promise<string> {
  const input: ReconcileLedgerInput = { trigger: 'schedule', providers: options.providers, failureRateAlert: options.failureRateAlert };
  return ensureSchedule(client, {
    scheduleId: reconcileScheduleId(options.idSuffix), intervalMinutes: options.intervalMinutes, taskQueue: options.taskQueue,
    workflowType: RECONCILE_WORKFLOW_TYPE, args: [input], memo: { trigger: 'schedule' },
    note: `Reconciles the ledger with payments and providers every ${options.intervalMinutes} min (SYNC_INTERVAL_MINUTES).`,
  });
}
