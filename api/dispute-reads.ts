import { type Dispute, disputeFromRow } from '../domain/dispute';
import type { Database } from '../platform/database';

export async function findDispute(db: Database, id: string): Promise<Dispute | null> {
  const row = await db('disputes').where({ id }).first();
  return row ? disputeFromRow(row) : null;
}

export interface DisputeFilters {
  payment_id?: string;
  status?: string;
  limit: number;
  starting_after?: string;
}

/** Newest first, with a cursor on (created_at, id) like payments; null when the cursor names no dispute. */
export async function listDisputes(db: Database, filters: DisputeFilters): Promise<{ data: Dispute[]; has_more: boolean } | null> {
  const query = db('disputes').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filters.limit + 1);
  if (filters.payment_id) query.where({ payment_id: filters.payment_id });
  if (filters.status) query.where({ status: filters.status });
  if (filters.starting_after) {
    const cursor = await db('disputes').where({ id: filters.starting_after }).first('created_at', 'id');
    if (!cursor) return null;
    query.whereRaw('(created_at, id) < (?, ?)', [cursor.created_at, cursor.id]);
  }
  const rows = await query;
  return { data: rows.slice(0, filters.limit).map(disputeFromRow), has_more: rows.length > filters.limit };
}
