import type { Knex } from 'knex';
import { type RetentionCounts, type RetentionSettings, SHORT_LIVED_KEEP_HOURS, WEBHOOK_TRANSMISSION_KEEP_HOURS } from '../domain/retention';
import type { Database } from '../platform/database';

/** Rows per statement: short statements and locks, well inside the statement timeout, whatever the backlog. */
const BATCH = 5000;

/** Deletes (or updates) in batches of BATCH rows until none match; answers how many rows it touched. */
async function inBatches(db: Database, table: string, where: (q: Knex.QueryBuilder) => void, change: 'delete' | Record<string, unknown> = 'delete'): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = db(table).select('ctid').where(where).limit(BATCH);
    const query = db(table).whereIn('ctid', batch);
    const touched = change === 'delete' ? await query.delete() : await query.update(change);
    total += touched;
    if (touched < BATCH) return total;
  }
}

const hoursAgo = (db: Database, hours: number) => db.raw(`now() - make_interval(secs => ?)`, [Math.round(hours * 3600)]);
const daysAgo = (db: Database, days: number) => hoursAgo(db, days * 24);

export function createRetentionActivities({ db }: { db: Database }) {
  return {
    /**
     * Removes what has outlived its purpose (docs/configuration.md, "Data retention"). Idempotent: a retry or an
     * overlapping run finds less to do, never something else.
     */
    async applyRetention(settings: RetentionSettings): Promise<RetentionCounts> {
      const shortLived = hoursAgo(db, SHORT_LIVED_KEEP_HOURS);
      const rejectionsByAge = await inBatches(db, 'webhook_rejections', (q) => q.where('received_at', '<', daysAgo(db, settings.webhookRejectionDays)));
      // The log stays bounded under a flood too: only the newest webhookRejectionMaxRows rows are kept.
      const overflow = db('webhook_rejections').select('id').orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }]).offset(settings.webhookRejectionMaxRows);
      const rejectionsByCount = await inBatches(db, 'webhook_rejections', (q) => q.whereIn('id', overflow));
      return {
        idempotencyKeys: await inBatches(db, 'idempotency_keys', (q) => q.where('created_at', '<', hoursAgo(db, settings.idempotencyKeyHours))),
        webhookRawBodies: await inBatches(
          db, 'webhook_events', (q) => q.whereNotNull('raw_body').where('received_at', '<', daysAgo(db, settings.webhookRawBodyDays)), { raw_body: null },
        ),
        webhookRejections: rejectionsByAge + rejectionsByCount,
        webhookTransmissions: await inBatches(db, 'webhook_transmissions', (q) => q.where('received_at', '<', hoursAgo(db, WEBHOOK_TRANSMISSION_KEEP_HOURS))),
        payerReturnChecks: await inBatches(db, 'payer_return_checks', (q) => q.where('checked_at', '<', shortLived)),
        ephemeralKeys: await inBatches(db, 'ephemeral_keys', (q) => q.where('expires_at', '<', shortLived)),
        adminSessions: await inBatches(db, 'admin_sessions', (q) => q.where('expires_at', '<', shortLived)),
        emailOutbox: await inBatches(db, 'email_outbox', (q) => q.whereIn('status', ['sent', 'failed']).where('created_at', '<', daysAgo(db, settings.emailOutboxDays))),
        syncRuns: await inBatches(db, 'sync_runs', (q) => q.whereNot('status', 'running').where('started_at', '<', daysAgo(db, settings.syncRunDays))),
      };
    },
  };
}
