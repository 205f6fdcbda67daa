/**
 * How long each kind of operational data is kept (docs/configuration.md, "Data retention"). Pure data: it travels as
 * the retention workflow's input, so a schedule's run uses the settings the worker had when it created the schedule.
 */
export interface RetentionSettings {
  /** Stored idempotent answers (and their keys): Stripe keeps them 24 h. */
  idempotencyKeyHours: number;
  /** Raw webhook bodies are cleared after this many days; the normalized event (what replays use) stays. */
  webhookRawBodyDays: number;
  /** The webhook rejection log: rows older than this go, and never more rows than webhookRejectionMaxRows. */
  webhookRejectionDays: number;
  webhookRejectionMaxRows: number;
  /** Sent or refused emails (their bodies hold names and addresses); pending ones stay until sent. */
  emailOutboxDays: number;
  /** Finished provider sync runs. */
  syncRunDays: number;
}

/** Replay protection needs a webhook delivery id for the signature's 5 minutes; a day is plenty. */
export const WEBHOOK_TRANSMISSION_KEEP_HOURS = 24;
/** A payer-return look-up slot matters for seconds; expired ephemeral keys and admin sessions are useless. */
export const SHORT_LIVED_KEEP_HOURS = 24;

export const DEFAULT_RETENTION: RetentionSettings = {
  idempotencyKeyHours: 24,
  webhookRawBodyDays: 30,
  webhookRejectionDays: 30,
  webhookRejectionMaxRows: 100_000,
  emailOutboxDays: 90,
  syncRunDays: 90,
};

/** What one run removed (or cleared), per table: the workflow's result, shown in the Temporal UI. */
export type RetentionCounts = Record<
  'idempotencyKeys' | 'webhookRawBodies' | 'webhookRejections' | 'webhookTransmissions' | 'payerReturnChecks' | 'ephemeralKeys'
  | 'adminSessions' | 'emailOutbox' | 'syncRuns',
  number
>;
