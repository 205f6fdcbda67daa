import { z } from 'zod';
import type { RetentionSettings } from '../domain/retention';

/** Data retention settings (docs/configuration.md, "Data retention"). */
const positive = (fallback: number) => z.coerce.number().positive().default(fallback);

export const retentionEnvironment = {
  /** How often the retention Schedule runs; 0: workers leave the schedule alone. */
  RETENTION_INTERVAL_MINUTES: z.coerce.number().min(0).default(60),
  IDEMPOTENCY_KEY_RETENTION_HOURS: positive(24),
  WEBHOOK_RAW_BODY_RETENTION_DAYS: positive(30),
  WEBHOOK_REJECTION_RETENTION_DAYS: positive(30),
  WEBHOOK_REJECTION_MAX_ROWS: z.coerce.number().int().min(1).default(100_000),
  EMAIL_OUTBOX_RETENTION_DAYS: positive(90),
  SYNC_RUN_RETENTION_DAYS: positive(90),
};

type RetentionEnvironment = { [K in keyof typeof retentionEnvironment]: z.infer<(typeof retentionEnvironment)[K]> };

export function retentionSettings(e: RetentionEnvironment): { intervalMinutes: number; settings: RetentionSettings } {
  return {
    intervalMinutes: e.RETENTION_INTERVAL_MINUTES,
    settings: {
      idempotencyKeyHours: e.IDEMPOTENCY_KEY_RETENTION_HOURS,
      webhookRawBodyDays: e.WEBHOOK_RAW_BODY_RETENTION_DAYS,
      webhookRejectionDays: e.WEBHOOK_REJECTION_RETENTION_DAYS,
      webhookRejectionMaxRows: e.WEBHOOK_REJECTION_MAX_ROWS,
      emailOutboxDays: e.EMAIL_OUTBOX_RETENTION_DAYS,
      syncRunDays: e.SYNC_RUN_RETENTION_DAYS,
    },
  };
}
