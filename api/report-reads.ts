import type { Knex } from 'knex';
import type { Database } from '../platform/database';

/** Reports read the ledger only: what moved, never what a mutable status column says. */

type Row = Record<string, unknown>;

export type ReportInterval = 'day' | 'week' | 'month';
export type ReportGroupBy = 'method' | 'provider' | 'currency';

export interface Totals {
  gross: number;
  refunded: number;
  disputed: number;
  net: number;
  count: number;
}

export interface RevenueRow extends Totals {
  period_start: string;
  group: string | null;
  currency: string;
}

const INTERVALS: Record<ReportInterval, string> = { day: 'day', week: 'week', month: 'month' };
const GROUP_COLUMNS: Record<ReportGroupBy, string> = { method: 't.method', provider: 't.provider', currency: 't.currency' };

/** Each report column is one account's balance in its normal direction; count is the number of captures. */
const SUMS = `
  coalesce(sum(case when p.account = 'revenue' then case when p.direction = 'credit' then p.amount else -p.amount end end), 0) as gross,
  coalesce(sum(case when p.account = 'refunds' then case when p.direction = 'debit' then p.amount else -p.amount end end), 0) as refunded,
  coalesce(sum(case when p.account = 'disputes:lost' then case when p.direction = 'debit' then p.amount else -p.amount end end), 0) as disputed,
  count(*) filter (where p.account = 'revenue' and p.direction = 'credit') as count`;
const REPORTED_ACCOUNTS = `p.account in ('revenue', 'refunds', 'disputes:lost')`;

function totals(row: Record<string, unknown>): Totals {
  const gross = Number(row.gross);
  const refunded = Number(row.refunded);
  const disputed = Number(row.disputed);
  return { gross, refunded, disputed, net: gross - refunded - disputed, count: Number(row.count) };
}

const metadataCondition = (metadata: Record<string, string> | undefined): { sql: string; bindings: string[] } =>
  metadata && Object.keys(metadata).length > 0
    ? { sql: 'and exists (select 1 from payments m where m.id = t.payment_id and m.metadata @> ?::jsonb)', bindings: [JSON.stringify(metadata)] }
    : { sql: '', bindings: [] };

export interface RevenueQuery {
  from: Date;
  to: Date;
  interval: ReportInterval;
  group_by?: ReportGroupBy;
  metadata?: Record<string, string>;
}

/** The report's SQL (bench/ledger-report.ts EXPLAINs it). */
export function revenueReportSql(query: RevenueQuery): { sql: string; bindings: Array<Date | string> } {
  const group = query.group_by ? GROUP_COLUMNS[query.group_by] : 'null::text';
  const metadata = metadataCondition(query.metadata);
  return {
    // Aggregated on the truncated timestamp, formatted once per row of the result (not once per posting).
    sql: `select to_char(period at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as period_start, "group", currency, gross, refunded, disputed, count
       from (select date_trunc('${INTERVALS[query.interval]}', t.occurred_at, 'UTC') as period, ${group} as "group", p.currency, ${SUMS}
               from ledger_transactions t join ledger_postings p on p.transaction_id = t.id
              where t.occurred_at >= ? and t.occurred_at < ? and ${REPORTED_ACCOUNTS} ${metadata.sql}
              group by 1, 2, 3) totals
      order by period, "group", currency`,
    bindings: [query.from, query.to, ...metadata.bindings],
  };
}

/** Gross, refunded, disputed and net per UTC period, group and currency, oldest period first. */
export async function revenueReport(db: Database, query: RevenueQuery): Promise<RevenueRow[]> {
  const { sql, bindings } = revenueReportSql(query);
  const { rows } = await db.raw(sql, bindings);
  return rows.map((row: Record<string, unknown>) => ({
    period_start: row.period_start as string, group: (row.group as string | null) ?? null, currency: row.currency as string, ...totals(row),
  }));
}

export interface CustomerStats {
  object: 'customer_stats';
  customer_id: string;
  currency: string | null;
  total_paid: number;
  total_refunded: number;
  total_disputed: number;
  net: number;
  count: number;
  by_method: Record<string, { total_paid: number; total_refunded: number; total_disputed: number; net: number; count: number }>;
}

/** One customer's totals per currency and method; null currency when they have none yet. */
export async function customerTotals(db: Database, customerId: string): Promise<Array<{ currency: string; method: string } & Totals>> {
  const { rows } = await db.raw(
    `select t.currency, t.method, ${SUMS}
       from ledger_transactions t join ledger_postings p on p.transaction_id = t.id
      where t.customer_id = ? and ${REPORTED_ACCOUNTS}
      group by 1, 2 order by 1, 2`,
    [customerId],
  );
  return rows.map((row: Record<string, unknown>) => ({ currency: row.currency as string, method: row.method as string, ...totals(row) }));
}

export function customerStats(customerId: string, currency: string | null, rows: Array<{ currency: string; method: string } & Totals>): CustomerStats {
  const stats: CustomerStats = {
    object: 'customer_stats', customer_id: customerId, currency, total_paid: 0, total_refunded: 0, total_disputed: 0, net: 0, count: 0, by_method: {},
  };
  for (const row of rows.filter((candidate) => candidate.currency === currency)) {
    stats.by_method[row.method] = { total_paid: row.gross, total_refunded: row.refunded, total_disputed: row.disputed, net: row.net, count: row.count };
    stats.total_paid += row.gross;
    stats.total_refunded += row.refunded;
    stats.total_disputed += row.disputed;
    stats.net += row.net;
    stats.count += row.count;
  }
  return stats;
}

export interface CustomerPaymentLine extends Totals {
  date: string;
  payment_id: string;
  description: string | null;
  method: string;
  currency: string;
}

/** A customer's payments with money moving in [from, to), oldest payment first, with what moved in that time. */
export async function customerPaymentLines(db: Database | Knex.Transaction, customerId: string, from: Date, to: Date): Promise<CustomerPaymentLine[]> {
  const { rows } = await db.raw(
    `select to_char(min(t.occurred_at) at time zone 'UTC', 'YYYY-MM-DD') as date, t.payment_id, m.description, t.method, p.currency, ${SUMS}
       from ledger_transactions t join ledger_postings p on p.transaction_id = t.id join payments m on m.id = t.payment_id
      where t.customer_id = ? and t.occurred_at >= ? and t.occurred_at < ? and ${REPORTED_ACCOUNTS}
      group by t.payment_id, m.created_at, m.description, t.method, p.currency order by m.created_at, t.payment_id`,
    [customerId, from, to],
  );
  return rows.map((row: Record<string, unknown>) => ({
    date: row.date as string, payment_id: row.payment_id as string, description: (row.description as string | null) ?? null,
    method: row.method as string, currency: row.currency as string, ...totals(row),
  }));
}

/** Every account's balance per currency, in its normal direction (revenue credit-normal, the rest debit-normal). */
export async function listLedgerBalances(db: Database): Promise<Array<{ account: string; currency: string; balance: number }>> {
  const { rows } = await db.raw(
    `select account, currency, sum(case when direction = 'debit' then amount else -amount end) * (case when account = 'revenue' then -1 else 1 end) as balance
       from ledger_postings group by account, currency order by account, currency`,
  );
  return rows.map((row: Row) => ({ account: row.account as string, currency: row.currency as string, balance: Number(row.balance) }));
}
