import { createHash } from 'node:crypto';
import type { Database } from '../platform/database';
import type { EmailRequest } from './email-activities';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertRequest {
  /** One alert per key, ever: raising it again (a retry, the next run noticing the same thing) changes nothing. */
  dedupeKey: string;
  kind: string;
  severity: AlertSeverity;
  message: string;
  data: Record<string, unknown>;
}

export interface AlertActivityDependencies {
  db: Database;
  adminEmails: string[];
  /** The sendEmail activity's implementation: the outbox makes each admin's message go out once. */
  sendEmail: (request: EmailRequest) => Promise<unknown>;
}

/** Derived from the dedupe key, so a retried raise finds the alert it already recorded. */
export function alertIdFor(dedupeKey: string): string {
  return `alr_${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 24)}`;
}

/**
 * Keys stay readable up to 200 characters; a longer one (a reconciliation's whole set of differences) is stored as its
 * hash, since a b-tree index entry can't exceed about 2.7 kB.
 */
export function storedDedupeKey(dedupeKey: string): string {
  return dedupeKey.length <= 200 ? dedupeKey : `sha256:${createHash('sha256').update(dedupeKey).digest('hex')}`;
}

/** A short, readable summary of the alert's data for the email. */
function describeData(data: Record<string, unknown>): string | undefined {
  const lines = Object.entries(data)
    .filter(([, value]) => value !== null && value !== undefined && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${String(value)}`);
  return lines.length ? lines.join(', ') : undefined;
}

/** Stores the alert once (no email): for alerts raised where emailing would loop, such as a refused email. */
export async function recordAlert(db: Database, request: AlertRequest): Promise<boolean> {
  const inserted = await db('alerts')
    .insert({
      id: alertIdFor(request.dedupeKey), dedupe_key: storedDedupeKey(request.dedupeKey), kind: request.kind, severity: request.severity,
      message: request.message, data: JSON.stringify(request.data),
    })
    .onConflict('dedupe_key')
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

export function createAlertActivities({ db, adminEmails, sendEmail }: AlertActivityDependencies) {
  return {
    /** Records the alert once and emails every admin once about it; safe to retry or to call again. */
    async raiseAlert(request: AlertRequest): Promise<{ id: string; created: boolean }> {
      const dedupeKey = storedDedupeKey(request.dedupeKey);
      const created = await recordAlert(db, request);
      const row = await db('alerts').where({ dedupe_key: dedupeKey }).first('id', 'created_at', 'message', 'kind', 'severity');
      const raisedAt = row.created_at instanceof Date ? row.created_at.toISOString() : String(row.created_at);
      // Emailed even when the row was there already: a retry after a crash between the two must still send.
      for (const admin of adminEmails) {
        await sendEmail({
          dedupeKey: `alert:${row.id}:${admin}`,
          to: admin,
          template: 'admin_alert',
          locale: 'en',
          data: { alert_id: row.id, kind: row.kind, severity: row.severity, message: row.message, details: describeData(request.data), raised_at: raisedAt },
        });
      }
      return { id: row.id, created };
    },
  };
}

export type AlertActivities = ReturnType<typeof createAlertActivities>;
