import { z } from 'zod';
import { MetadataFilter } from './payment-schemas';

/** A UTC moment: an ISO 8601 date-time with offset, or a date (midnight UTC). */
const Moment = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const RevenueReportQuery = z
  .strictObject({
    from: Moment.describe('Start, inclusive (UTC).'),
    to: Moment.describe('End, exclusive (UTC).'),
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
