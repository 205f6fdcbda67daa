import type { Refund } from '../domain/refund';
import type { Database } from '../platform/database';
import { newestFirstPage } from './newest-first-page';

type Row = Record<string, unknown>;
const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value == null ? null : String(value));

/** Admins see the full IBAN of a bank-transfer refund (they send it); merchants see its last four digits. */
export function withIbanShown(refund: Refund, showIban: boolean): Refund {
  const method = refund.alternative_method;
  return { ...refund, alternative_method: method ? (showIban ? method : { ...method, iban: undefined as unknown as string }) : null };
}

export function toRefund(row: Row, options: { showIban: boolean }): Refund {
  return withIbanShown({
    id: row.id as string,
    object: 'refund',
    payment_id: row.payment_id as string,
    amount: Number(row.amount),
    currency: row.currency as string,
    reason: row.reason as Refund['reason'],
    details: (row.details as string | null) ?? null,
    status: row.status as Refund['status'],
    requested_at: iso(row.requested_at)!,
    requested_by: row.requested_by as string,
    decided_by: (row.decided_by as string | null) ?? null,
    decided_at: iso(row.decided_at),
    decision_reason: (row.decision_reason as string | null) ?? null,
    provider_refund_id: (row.provider_refund_id as string | null) ?? null,
    completed_at: iso(row.completed_at),
    failure_message: (row.failure_message as string | null) ?? null,
    appeal_count: Number(row.appeal_count),
    appeal_details: (row.appeal_details as string | null) ?? null,
    alternative_method: (row.alternative_method as Refund['alternative_method']) ?? null,
  }, options.showIban);
}

export async function findRefundRow(db: Database, id: string): Promise<Row | undefined> {
  return db('refunds').where({ id }).first();
}

export async function listRefunds(
  db: Database,
  filters: { payment_id?: string; status?: string; limit: number; starting_after?: string },
): Promise<{ rows: Row[]; has_more: boolean } | null> {
  return newestFirstPage(db, 'refunds', {
    timeColumn: 'requested_at', where: { payment_id: filters.payment_id, status: filters.status }, limit: filters.limit, startingAfter: filters.starting_after,
  });
}
