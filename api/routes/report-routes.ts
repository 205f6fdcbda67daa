import { stringify } from 'csv-stringify/sync';
import type { Context } from 'koa';
import { majorUnits } from '../../domain/money';
import type { Database } from '../../platform/database';
import { ApiError } from '../errors';
import { customerPaymentLines, customerStats, customerTotals, revenueReport } from '../report-reads';
import type { RouteTable } from '../route';
import {
  CsvSchema, CustomerPaymentsCsvQuery, CustomerStatsQuery, CustomerStatsSchema, RevenueReportQuery, RevenueReportSchema,
} from '../schemas/report-schemas';
import type { z } from 'zod';

type RevenueQuery = z.infer<typeof RevenueReportQuery>;

/** A date alone means midnight UTC. */
const utc = (moment: string): Date => new Date(moment.length === 10 ? `${moment}T00:00:00Z` : moment);

function revenueQuery(query: RevenueQuery) {
  const from = utc(query.from);
  const to = utc(query.to);
  for (const [param, moment] of [['from', from], ['to', to]] as const) {
    const year = moment.getUTCFullYear();
    if (!(year >= 1970 && year <= 9999)) throw ApiError.invalid('parameter_invalid', `${param} must fall between the years 1970 and 9999.`, param);
  }
  return { from, to, interval: query.interval, group_by: query.group_by, metadata: query.metadata };
}

/** CSV for spreadsheets: a header row, then one line per record; csv-stringify quotes what needs quoting. */
function sendCsv(ctx: Context, filename: string, columns: string[], records: unknown[][]): void {
  ctx.type = 'text/csv; charset=utf-8';
  ctx.set('Content-Disposition', `attachment; filename="${filename}"`);
  ctx.body = stringify([columns, ...records]);
}

/** Merchant text starting like a formula (= + - @) is kept as text, so opening the file runs nothing (OWASP CSV injection). */
const asText = (value: string | null): string => (value && /^[=+\-@\t\r]/.test(value) ? `'${value}` : (value ?? ''));

/** Reports derived from the ledger: revenue per period, a customer's totals and their annual export. */
export function addReportRoutes(routes: RouteTable, db: Database): void {
  routes.add({
    method: 'get', path: '/v1/reports/revenue', tag: 'Reports', roles: ['admin'],
    summary: 'Revenue from the ledger per UTC period (day, week, month), group and currency, in minor units',
    query: RevenueReportQuery,
    response: { status: 200, description: 'One row per period, group and currency, oldest first', schema: RevenueReportSchema },
    handler: async (_ctx, { query }) => ({ object: 'list', data: await revenueReport(db, revenueQuery(query)) }),
  });

  routes.add({
    method: 'get', path: '/v1/reports/revenue.csv', tag: 'Reports', roles: ['admin'],
    summary: 'The revenue report as CSV, amounts in major units with the currency\'s decimals',
    query: RevenueReportQuery,
    response: { status: 200, description: 'period_start,group,currency,gross,refunded,disputed,net,count', schema: CsvSchema, contentType: 'text/csv' },
    handler: async (ctx, { query }) => {
      const rows = await revenueReport(db, revenueQuery(query));
      sendCsv(ctx, 'revenue.csv', ['period_start', 'group', 'currency', 'gross', 'refunded', 'disputed', 'net', 'count'], rows.map((row) => [
        row.period_start, row.group ?? '', row.currency,
        ...[row.gross, row.refunded, row.disputed, row.net].map((amount) => majorUnits(amount, row.currency)), row.count,
      ]));
    },
  });

  routes.add({
    method: 'get', path: '/v1/customers/:id/stats', tag: 'Reports', roles: ['merchant', 'admin'],
    summary: "A customer's totals from the ledger: paid, refunded, disputed, net, per method",
    query: CustomerStatsQuery,
    response: { status: 200, description: 'The totals, minor units', schema: CustomerStatsSchema },
    handler: async (_ctx, { query, params }) => {
      const rows = await customerTotals(db, params.id);
      const currencies = [...new Set(rows.map((row) => row.currency))];
      if (rows.length === 0 && !(await db('customers').where({ id: params.id }).first('id')) && !(await db('payments').where({ customer_id: params.id }).first('id'))) {
        throw ApiError.notFound('customer', params.id);
      }
      if (!query.currency && currencies.length > 1) {
        throw ApiError.invalid('parameter_missing', `This customer paid in ${currencies.join(', ')}: name one with currency.`, 'currency');
      }
      return customerStats(params.id, query.currency?.toLowerCase() ?? currencies[0] ?? null, rows);
    },
  });

  routes.add({
    method: 'get', path: '/v1/customers/:id/payments.csv', tag: 'Reports', roles: ['merchant', 'admin'],
    summary: "A customer's annual export: each payment with money moving that UTC year, in major units",
    query: CustomerPaymentsCsvQuery,
    response: { status: 200, description: 'date,payment_id,description,method,currency,paid,refunded,disputed,net', schema: CsvSchema, contentType: 'text/csv' },
    handler: async (ctx, { query, params }) => {
      const lines = await customerPaymentLines(db, params.id, new Date(Date.UTC(query.year, 0, 1)), new Date(Date.UTC(query.year + 1, 0, 1)));
      sendCsv(ctx, `payments-${query.year}.csv`, ['date', 'payment_id', 'description', 'method', 'currency', 'paid', 'refunded', 'disputed', 'net'], lines.map((line) => [
        line.date, line.payment_id, asText(line.description), line.method, line.currency,
        ...[line.gross, line.refunded, line.disputed, line.net].map((amount) => majorUnits(amount, line.currency)),
      ]));
    },
  });
}
