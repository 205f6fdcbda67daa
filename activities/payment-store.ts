import type { Payment, PaymentEvent } from '../domain/payment';
import type { Database } from '../platform/database';
import { bookPaymentCapture } from './ledger-store';
import { issueInvoiceOnSuccess } from './document-issuer';
import { recordPaymentEvents } from './merchant-events';

export function toEventRow(event: PaymentEvent) {
  return { ...event, data: JSON.stringify(event.data) };
}

function toPaymentRow(payment: Payment, version: number) {
  // The dispute reference belongs to the dispute workflow (activities/dispute-activities.ts): never written from here.
  const { object: _object, dispute: _dispute, ...columns } = payment;
  return {
    ...columns,
    next_action: payment.next_action ? JSON.stringify(payment.next_action) : null,
    failure_details: payment.failure_details ? JSON.stringify(payment.failure_details) : null,
    instructions: payment.instructions ? JSON.stringify(payment.instructions) : null,
    metadata: JSON.stringify(payment.metadata),
    // Payments recorded before retries existed lack these: their columns keep the defaults.
    previous_attempts: payment.previous_attempts ? JSON.stringify(payment.previous_attempts) : undefined,
    state_version: version,
  };
}

type Column = string | number | boolean | null;

function definedColumns(row: object): Record<string, Column> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as Record<string, Column>;
}

/**
 * Upserts the payment guarded by its version, so a retried older write never overwrites a newer one,
 * and appends history lines keyed by dedupe_key, so a retried write appends nothing twice.
 */
export async function savePaymentAndEvents(
  db: Database,
  input: { payment: Payment; version: number; events: PaymentEvent[]; processedWebhookEventIds: number[] },
): Promise<void> {
  const row = definedColumns(toPaymentRow(input.payment, input.version));
  await db.transaction(async (trx) => {
    await trx.raw(
      `insert into payments (${Object.keys(row).join(', ')}) values (${Object.keys(row).map(() => '?').join(', ')})
       on conflict (id) do update set ${Object.keys(row)
         .filter((column) => column !== 'id' && column !== 'created_at')
         .map((column) => `${column} = excluded.${column}`)
         .join(', ')}
       where payments.state_version < excluded.state_version`,
      Object.values(row),
    );
    await bookPaymentCapture(trx, input.payment.id);
    await recordPaymentEvents(trx, input.payment.id);
    if (input.events.length > 0) {
      await trx('payment_events').insert(input.events.map(toEventRow)).onConflict('dedupe_key').ignore();
    }
    if (input.payment.status === 'succeeded') await issueInvoiceOnSuccess(trx, input.payment.id);
    if (input.processedWebhookEventIds.length > 0) {
      await trx('webhook_events')
        .whereIn('id', input.processedWebhookEventIds)
        .whereNull('processed_at')
        .update({ processed_at: trx.fn.now() });
    }
  });
}

/**
 * Starts a new attempt of a failed payment, once: only if the stored payment is still failed at the version the
 * workflow last knew. A stale retry (the payment moved on meanwhile) claims nothing and charges nothing.
 * A retried activity finds its own claim (same version, same attempt) and succeeds again.
 */
export async function claimPaymentAttempt(
  db: Database,
  input: { payment: Payment; expectedVersion: number; version: number; events: PaymentEvent[] },
): Promise<{ claimed: boolean; version: number }> {
  const attempt = input.payment.attempt_count ?? 1;
  return db.transaction(async (trx) => {
    const stored = await trx('payments').where({ id: input.payment.id }).forUpdate().first('status', 'state_version', 'attempt_count');
    if (!stored) return { claimed: false, version: input.expectedVersion };
    const storedVersion = Number(stored.state_version);
    // A retried activity finds its own claim: the attempt is there and under way.
    if (Number(stored.attempt_count) === attempt && stored.status !== 'failed') return { claimed: true, version: storedVersion };
    // The attempt, not the version, is what a stale or concurrent retry gets wrong: history lines the earlier run
    // saved after the request read the payment (late webhooks) don't make a retry of the same failed attempt stale.
    if (stored.status !== 'failed' || Number(stored.attempt_count) !== attempt - 1) return { claimed: false, version: storedVersion };
    const version = Math.max(input.version, storedVersion + 1);
    const { id: _id, created_at: _createdAt, ...changes } = definedColumns(toPaymentRow(input.payment, version));
    await trx('payments').where({ id: input.payment.id }).update(changes);
    if (input.events.length > 0) await trx('payment_events').insert(input.events.map(toEventRow)).onConflict('dedupe_key').ignore();
    return { claimed: true, version };
  });
}
