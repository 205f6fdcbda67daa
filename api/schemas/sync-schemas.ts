import { z } from 'zod';

/** A moment as seconds since the epoch, or an ISO 8601 date-time. */
export const Moment = z.union([z.number().int().nonnegative().max(253_402_300_799).describe('Seconds, up to the end of year 9999.'), z.iso.datetime({ offset: true })]);

export const toSeconds = (moment: number | string | undefined): number | undefined =>
  moment === undefined ? undefined : typeof moment === 'number' ? moment : Math.floor(Date.parse(moment) / 1000);

export const StartSyncBody = z
  .strictObject({
    provider: z.enum(['stripe', 'paypal']).describe('A configured provider.'),
    from: Moment.optional().describe('Window start (inclusive). Without from and to: from the provider\'s sync cursor to now.'),
    to: Moment.optional().describe('Window end (exclusive); defaults to now. A window ending before it starts holds nothing.'),
  })
  .meta({ id: 'StartSyncRequest' });

export const SyncCountsSchema = z
  .object({ seen: z.number().int(), imported: z.number().int(), repaired: z.number().int(), unchanged: z.number().int(), errors: z.number().int() })
  .meta({ id: 'SyncCounts' });

export const SyncRunSchema = z
  .object({
    object: z.literal('sync_run'),
    workflow_id: z.string(),
    provider: z.string(),
    trigger: z.enum(['schedule', 'manual']),
    status: z.enum(['running', 'completed', 'failed']),
    window: z.object({ from: z.string(), to: z.string() }).nullable(),
    counts: SyncCountsSchema,
    error: z.string().nullable(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'SyncRun' });

export const ListSyncsQuery = z.strictObject({
  provider: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const AlertSchema = z
  .object({
    id: z.string(),
    object: z.literal('alert'),
    kind: z.string(),
    severity: z.enum(['info', 'warning', 'critical']),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
    created_at: z.string(),
    acknowledged_at: z.string().nullable(),
    acknowledged_by: z.string().nullable(),
  })
  .meta({ id: 'Alert' });

export const ListAlertsQuery = z.strictObject({
  acknowledged: z.enum(['true', 'false']).optional().describe('false: only alerts nobody has acknowledged yet.'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
