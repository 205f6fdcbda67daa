import { EMPTY_SYNC_COUNTS, type SyncCounts } from '../domain/provider-sync';
import type { Database } from '../platform/database';

type Row = Record<string, unknown>;

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));
const isoSeconds = (seconds: unknown): string => new Date(Number(seconds) * 1000).toISOString();

export interface SyncRunView {
  object: 'sync_run';
  workflow_id: string;
  provider: string;
  trigger: 'schedule' | 'manual';
  status: 'running' | 'completed' | 'failed';
  window: { from: string; to: string } | null;
  counts: SyncCounts;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export function toSyncRun(row: Row): SyncRunView {
  return {
    object: 'sync_run',
    workflow_id: row.workflow_id as string,
    provider: row.provider as string,
    trigger: row.trigger as SyncRunView['trigger'],
    status: row.status as SyncRunView['status'],
    window: { from: isoSeconds(row.window_from), to: isoSeconds(row.window_to) },
    counts: { ...EMPTY_SYNC_COUNTS, ...(row.counts as Partial<SyncCounts>) },
    error: (row.error as string | null) ?? null,
    started_at: iso(row.started_at),
    finished_at: iso(row.finished_at),
  };
}

export async function findSyncRun(db: Database, workflowId: string): Promise<SyncRunView | null> {
  const row = await db('sync_runs').where({ workflow_id: workflowId }).first();
  return row ? toSyncRun(row) : null;
}

export async function listSyncRuns(db: Database, filters: { provider?: string; limit: number }): Promise<{ data: SyncRunView[]; has_more: boolean }> {
  const rows = await db('sync_runs')
    .modify((query) => {
      if (filters.provider) query.where({ provider: filters.provider });
    })
    .orderBy([{ column: 'started_at', order: 'desc' }, { column: 'workflow_id', order: 'desc' }])
    .limit(filters.limit + 1);
  return { data: rows.slice(0, filters.limit).map(toSyncRun), has_more: rows.length > filters.limit };
}

export function toAlert(row: Row) {
  return {
    id: row.id as string,
    object: 'alert' as const,
    kind: row.kind as string,
    severity: row.severity as 'info' | 'warning' | 'critical',
    message: row.message as string,
    data: (row.data as Record<string, unknown>) ?? {},
    created_at: iso(row.created_at)!,
    acknowledged_at: iso(row.acknowledged_at),
    acknowledged_by: (row.acknowledged_by as string | null) ?? null,
  };
}
