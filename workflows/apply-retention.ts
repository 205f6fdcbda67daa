import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RetentionCounts, RetentionSettings } from '../domain/retention';
import { STORAGE_SCAN } from './activity-options';

const storage = proxyActivities<Activities>(STORAGE_SCAN);

export const RETENTION_WORKFLOW_TYPE = 'applyRetention';

/**
 * One retention pass (a Temporal Schedule runs it, durapay-retention): deletes expired idempotency keys, clears old
 * raw webhook bodies, bounds the rejection log and prunes the other tables that would otherwise grow forever.
 * One activity: short history, and what it removed is the result.
 */
export async function applyRetention(settings: RetentionSettings): Promise<RetentionCounts> {
  return storage.applyRetention(settings);
}
