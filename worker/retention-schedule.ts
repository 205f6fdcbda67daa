import type { Client } from '@temporalio/client';
import type { RetentionSettings } from '../domain/retention';
import { RETENTION_WORKFLOW_TYPE } from '../workflows/apply-retention';
import { ensureSchedule } from './sync-schedules';

/** durapay-retention: search for it in the Temporal UI's Schedules page. */
export function retentionScheduleId(idSuffix?: string): string {
  return idSuffix ? `durapay-retention-${idSuffix}` : 'durapay-retention';
}

/** The retention pass on its own Temporal Schedule, created (or updated to new settings) when a worker starts. */
export async function ensureRetentionSchedule(
  client: Client,
  options: { intervalMinutes: number; taskQueue: string; settings: RetentionSettings; idSuffix?: string },
): Promise<string> {
  return ensureSchedule(client, {
    scheduleId: retentionScheduleId(options.idSuffix), intervalMinutes: options.intervalMinutes, taskQueue: options.taskQueue,
    workflowType: RETENTION_WORKFLOW_TYPE, args: [options.settings], memo: { trigger: 'schedule' },
    note: `Deletes expired idempotency keys, old raw webhook bodies and other expired rows every ${options.intervalMinutes} min (RETENTION_INTERVAL_MINUTES).`,
  });
}
