import { type Dispute, disputeFromRow } from '../domain/dispute';
import type { Database } from '../platform/database';
import { newestFirstPage } from './newest-first-page';

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
  const page = await newestFirstPage(db, 'disputes', {
    timeColumn: 'created_at', where: { payment_id: filters.payment_id, status: filters.status }, limit: filters.limit, startingAfter: filters.starting_after,
  });
  return page && { data: page.rows.map(disputeFromRow), has_more: page.has_more };
}
