import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
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

/**
 * One Temporal Schedule per provider, created when a worker starts. Creating it again is harmless; a changed
 * interval, task queue or alert threshold updates it. Overlapping runs are skipped: a slow sync is never doubled.
 */
export async function ensureSyncSchedules(client: Client, options: SyncScheduleOptions): Promise<string[]> {
  const everyMs = Math.round(options.intervalMinutes * 60) * 1000;
  const ids: string[] = [];
  for (const provider of options.providers) {
    const scheduleId = syncScheduleId(provider, options.idSuffix);
    const input: SyncProviderPaymentsInput = {
      provider, trigger: 'schedule',
      webhookFailureAlert: { threshold: options.webhookFailureAlertThreshold, intervalSeconds: everyMs / 1000 },
    };
    const action = { type: 'startWorkflow' as const, workflowType: SYNC_WORKFLOW_TYPE, taskQueue: options.taskQueue, workflowId: scheduleId, args: [input], memo: { provider, trigger: 'schedule' } };
    const spec = { intervals: [{ every: everyMs }] };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: everyMs };
    try {
      await client.schedule.create({
        scheduleId, spec, action, policies,
        state: { note: `Reconciles ${provider} with Durapay every ${options.intervalMinutes} min (SYNC_INTERVAL_MINUTES).` },
      });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      const handle = client.schedule.getHandle(scheduleId);
      const current = await handle.describe();
      const unchanged =
        current.spec.intervals?.length === 1 && current.spec.intervals[0].every === everyMs &&
        current.action.taskQueue === options.taskQueue && JSON.stringify(current.action.args) === JSON.stringify([input]);
      if (!unchanged) {
        await handle.update((previous) => ({
          ...previous, spec, policies: { ...previous.policies, ...policies }, action,
          state: { ...previous.state, note: `Reconciles ${provider} with Durapay every ${options.intervalMinutes} min (SYNC_INTERVAL_MINUTES).` },
        }));
      }
    }
    ids.push(scheduleId);
  }
  return ids;
}
