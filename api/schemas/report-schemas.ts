import { z } from 'zod';
import { MetadataFilter } from './payment-schemas';
import { Moment } from './sync-schemas';

/** A UTC moment: an ISO 8601 date-time with offset, or a date (midnight UTC). */
const DateOrMoment = z.union([z.iso.datetime({ offset: true }), z.iso.date()]).meta({ pattern: '^(19[7-9][0-9]|[2-9][0-9]{3})-' });

export const RevenueReportQuery = z
  .strictObject({
    from: DateOrMoment.describe('Start, inclusive (UTC).'),
    to: DateOrMoment.describe('End, exclusive (UTC); a window ending before it starts holds nothing.'),
    interval: z.enum(['day', 'week', 'month']).default('day').describe('UTC periods; weeks start on Monday.'),
    group_by: z.enum(['method', 'provider', 'currency']).optional().describe('Without it, group is null.'),
    metadata: MetadataFilter,
  });

const TotalsShape = {
  gross: z.number().int().describe('Captured, minor units.'),
  refunded: z.number().int().describe('Refunded (through the provider or by bank transfer), minor units.'),
  disputed: z.number().int().describe('Lost to disputes, minor units.'),
  net: z.number().int().describe('gross - refunded - disputed.'),
  count: z.number().int().describe('Captures booked.'),
};

export const RevenueRowSchema = z
  .object({
    period_start: z.string().describe('Start of the UTC period, ISO 8601.'),
    group: z.string().nullable(),
    currency: z.string(),
    ...TotalsShape,
  })
  .meta({ id: 'RevenueReportRow' });

export const RevenueReportSchema = z.object({ object: z.literal('list'), data: z.array(RevenueRowSchema) }).meta({ id: 'RevenueReport' });

export const CsvSchema = z.string().describe('text/csv with a header row; amounts in major units with the currency\'s decimals.');

export const CustomerStatsQuery = z.strictObject({
  currency: z.string().regex(/^[a-zA-Z]{3}$/).optional().describe('Required when the customer paid in more than one currency.'),
});

const MethodTotalsSchema = z.object({
  total_paid: z.number().int(), total_refunded: z.number().int(), total_disputed: z.number().int(), net: z.number().int(), count: z.number().int(),
});

export const CustomerStatsSchema = z
  .object({
    object: z.literal('customer_stats'),
    customer_id: z.string(),
    currency: z.string().nullable().describe('Null when the customer has paid nothing yet.'),
    total_paid: z.number().int(),
    total_refunded: z.number().int(),
    total_disputed: z.number().int(),
    net: z.number().int(),
    count: z.number().int(),
    by_method: z.record(z.string(), MethodTotalsSchema),
  })
  .meta({ id: 'CustomerStats' });

export const CustomerPaymentsCsvQuery = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).describe('UTC calendar year.'),
});

export const StartReconciliationBody = z
  .strictObject({
    from: Moment.optional().describe('Provider window start (inclusive); default: 7 days before to.'),
    to: Moment.optional().describe('Provider window end (exclusive); default: now.'),
  })
  .meta({ id: 'StartLedgerReconciliationRequest' });

const FiguresSchema = z.object({ captured: z.number().int(), refunded: z.number().int(), disputed: z.number().int() });

export const LedgerDifferenceSchema = z
  .object({
    payment_id: z.string().nullable().describe('Null: a provider payment the engine does not know.'),
    provider: z.string(),
    provider_payment_id: z.string().nullable(),
    currency: z.string(),
    figure: z.enum(['captured', 'refunded', 'disputed', 'payment']).describe('payment: known on one side only.'),
    ledger: z.number().int().nullable(),
    payments: z.number().int().nullable(),
    provider_figure: z.number().int().nullable(),
  })
  .meta({ id: 'LedgerDifference' });

export const LedgerReconciliationSchema = z
  .object({
    object: z.literal('ledger_reconciliation'),
    workflow_id: z.string(),
    status: z.enum(['running', 'completed', 'failed']),
    result: z
      .object({
        window: z.object({ from: z.string(), to: z.string() }),
        checked: z.object({ payments: z.number().int(), provider_payments: z.record(z.string(), z.number().int().nullable()) }),
        difference_count: z.number().int(),
        differences: z.array(LedgerDifferenceSchema),
        totals: z.array(z.object({ currency: z.string(), ledger: FiguresSchema, payments: FiguresSchema })),
        alert_id: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'LedgerReconciliation' });

export const LedgerBalancesSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(z.object({ account: z.string(), currency: z.string(), balance: z.number().int().describe('In the account\'s normal direction, minor units.') })),
  })
  .meta({ id: 'LedgerBalances' });
