import type { DisputeStatus } from '../domain/dispute';
import { hidesClientSecret, type Payment } from '../domain/payment';
import type { Knex } from 'knex';
import type { Database } from '../platform/database';
import { newestFirstPage } from './newest-first-page';

type Row = Record<string, unknown>;

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value));

export function toPayment(row: Row): Payment {
  return {
    id: row.id as string,
    object: 'payment',
    status: row.status as Payment['status'],
    amount: Number(row.amount),
    currency: row.currency as string,
    capture_method: row.capture_method as Payment['capture_method'],
    amount_captured: Number(row.amount_captured),
    amount_refunded: Number(row.amount_refunded),
    provider: row.provider as string,
    provider_payment_id: (row.provider_payment_id as string | null) ?? null,
    payment_method: (row.payment_method as string | null) ?? null,
    payment_method_type: (row.payment_method_type as Payment['payment_method_type']) ?? 'card',
    saved_payment_method_id: (row.saved_payment_method_id as string | null) ?? null,
    instructions: (row.instructions as Payment['instructions']) ?? null,
    client_secret: hidesClientSecret(row.status as Payment['status']) ? null : ((row.client_secret as string | null) ?? null),
    next_action: (row.next_action as Payment['next_action']) ?? null,
    failure_code: (row.failure_code as string | null) ?? null,
    failure_message: (row.failure_message as string | null) ?? null,
    failure_details: (row.failure_details as Payment['failure_details']) ?? null,
    customer_id: (row.customer_id as string | null) ?? null,
    receipt_email: (row.receipt_email as string | null) ?? null,
    description: (row.description as string | null) ?? null,
    metadata: (row.metadata as Record<string, string>) ?? {},
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    attempt_count: Number(row.attempt_count ?? 1),
    previous_attempts: (row.previous_attempts as Payment['previous_attempts']) ?? [],
    next_retry_at: row.next_retry_at ? iso(row.next_retry_at) : null,
    dispute: row.dispute_id
      ? { id: row.dispute_id as string, status: row.dispute_status as DisputeStatus, amount: Number(row.dispute_amount ?? 0), amount_lost: Number(row.dispute_amount_lost ?? 0) }
      : null,
  };
}

/** The version the payment's workflow last wrote: a new attempt starts from it or not at all. */
export async function findPaymentVersion(db: Database, id: string): Promise<number | null> {
  const row = await db('payments').where({ id }).first('state_version');
  return row ? Number(row.state_version) : null;
}

/** Whether a retry request (by its update id) already started an attempt of this payment. */
export async function attemptStartedBy(db: Database, paymentId: string, requestId: string): Promise<boolean> {
  const row = await db('payment_events').where({ payment_id: paymentId, type: 'attempt.started' }).whereRaw(`data->>'request_id' = ?`, [requestId]).first('id');
  return Boolean(row);
}

/**
 * Payments are read from payment_records: the charge as its one writer stored it, with amount_refunded, the
 * refunded / partially_refunded / disputed statuses and the dispute derived from refunds and disputes.
 */
export const PAYMENT_RECORDS = 'payment_records';

export async function findPayment(db: Database, id: string): Promise<Payment | null> {
  const row = await db(PAYMENT_RECORDS).where({ id }).first();
  return row ? toPayment(row) : null;
}

export async function findPaymentIdByProviderId(db: Database, provider: string, providerPaymentId: string): Promise<string | null> {
  const row = await db('payments').where({ provider, provider_payment_id: providerPaymentId }).first('id');
  return row ? (row.id as string) : null;
}

export interface PaymentFilters {
  customer_id?: string;
  status?: string;
  provider_payment_id?: string;
  provider?: string;
  payment_method_type?: string;
  currency?: string;
  amount_gte?: number;
  amount_lte?: number;
  /** A UTC date (from its start) or an ISO 8601 time. */
  created_gte?: string;
  /** A UTC date (to its end) or an ISO 8601 time. */
  created_lte?: string;
  limit: number;
  starting_after?: string;
  metadata?: Record<string, string>;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** A whole UTC day is inclusive at both ends: from its first instant to its last. */
const dayStart = (moment?: string) => (moment && DATE_ONLY.test(moment) ? `${moment}T00:00:00.000Z` : moment);
const dayEnd = (moment?: string) => (moment && DATE_ONLY.test(moment) ? `${moment}T23:59:59.999Z` : moment);

/**
 * What a status filter implies about the stored rows, so PostgreSQL narrows by an index before it derives statuses
 * (a derived status has no index: a rare one would otherwise derive every payment's). The status itself is still
 * compared too: these conditions only narrow. See db/migrations/20261201010000_payment_records_filters.ts.
 */
function narrowByStatus(status: string | undefined): ((query: Knex.QueryBuilder) => void) | undefined {
  if (status === undefined) return undefined;
  if (status === 'refunded') return (query) => void query.where('amount_refunded', '>', 0).whereRaw('amount_refunded >= amount_captured');
  if (status === 'partially_refunded') return (query) => void query.where('amount_refunded', '>', 0).whereRaw('amount_refunded < amount_captured');
  // An array, not a semi-join: a few ids looked up by primary key, where a join would read every payment.
  if (status === 'disputed') return (query) => void query.whereRaw('id = any(array(select payment_id from disputes where payment_status_before is not null))');
  if (status === 'succeeded') return (query) => void query.whereIn('charge_status', CHARGE_STATUSES_OF_SUCCEEDED);
  return (query) => void query.where('charge_status', status);
}

/** Stored statuses of a charge that succeeded (rows written before 20261201000000 said what refunds did, too). */
const CHARGE_STATUSES_OF_SUCCEEDED = ['succeeded', 'partially_refunded', 'refunded', 'disputed'];

/** Newest first, with a cursor on (created_at, id) so pages never skip or repeat a payment. */
export async function listPayments(db: Database, filters: PaymentFilters): Promise<{ data: Payment[]; has_more: boolean } | null> {
  const page = await newestFirstPage(db, PAYMENT_RECORDS, {
    timeColumn: 'created_at', limit: filters.limit, startingAfter: filters.starting_after,
    where: {
      customer_id: filters.customer_id, status: filters.status, provider_payment_id: filters.provider_payment_id,
      provider: filters.provider, payment_method_type: filters.payment_method_type, currency: filters.currency,
    },
    bounds: [
      ['amount', '>=', filters.amount_gte], ['amount', '<=', filters.amount_lte],
      ['created_at', '>=', dayStart(filters.created_gte)], ['created_at', '<=', dayEnd(filters.created_lte)],
    ],
    contains: { metadata: filters.metadata },
    narrow: narrowByStatus(filters.status),
  });
  return page && { data: page.rows.map(toPayment), has_more: page.has_more };
}

/** A payment's history, or just one refund's part of it. */
export async function listPaymentEvents(db: Database, paymentId: string, options: { refundId?: string } = {}) {
  const query = db('payment_events').where({ payment_id: paymentId }).orderBy([{ column: 'occurred_at' }, { column: 'id' }]);
  if (options.refundId) query.whereRaw(`data->>'refund_id' = ?`, [options.refundId]);
  const rows = await query;
  return rows.map((row: Row) => ({
    id: Number(row.id),
    payment_id: row.payment_id as string,
    type: row.type as string,
    from_status: (row.from_status as string | null) ?? null,
    to_status: (row.to_status as string | null) ?? null,
    source: row.source as 'api' | 'webhook' | 'sync' | 'workflow',
    actor: row.actor as string,
    data: row.data as Record<string, unknown>,
    occurred_at: iso(row.occurred_at),
  }));
}
