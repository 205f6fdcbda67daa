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
): Promise<boolean> {
  const row = definedColumns(toPaymentRow(input.payment, input.version));
  return db.transaction(async (trx) => {
    const stored = await trx('payments').where({ id: input.payment.id }).forUpdate().first('status', 'state_version', 'attempt_count');
    if (!stored) return false;
    if (Number(stored.state_version) === input.version && Number(stored.attempt_count) === input.payment.attempt_count) return true;
    if (stored.status !== 'failed' || Number(stored.state_version) !== input.expectedVersion) return false;
    const { id: _id, created_at: _createdAt, ...changes } = row;
    await trx('payments').where({ id: input.payment.id }).update(changes);
    if (input.events.length > 0) await trx('payment_events').insert(input.events.map(toEventRow)).onConflict('dedupe_key').ignore();
    return true;
  });
}
