import type { Payment, PaymentEvent } from '../domain/payment';
import type { Database } from '../platform/database';

export function toEventRow(event: PaymentEvent) {
  return { ...event, data: JSON.stringify(event.data) };
}

function toPaymentRow(payment: Payment, version: number) {
  const { object: _object, ...columns } = payment;
  return {
    ...columns,
    next_action: payment.next_action ? JSON.stringify(payment.next_action) : null,
    failure_details: payment.failure_details ? JSON.stringify(payment.failure_details) : null,
    instructions: payment.instructions ? JSON.stringify(payment.instructions) : null,
    metadata: JSON.stringify(payment.metadata),
    state_version: version,
  };
}

/**
 * Upserts the payment guarded by its version, so a retried older write never overwrites a newer one,
 * and appends history lines keyed by dedupe_key, so a retried write appends nothing twice.
 */
export async function savePaymentAndEvents(
  db: Database,
  input: { payment: Payment; version: number; events: PaymentEvent[]; processedWebhookEventIds: number[] },
): Promise<void> {
  const row = toPaymentRow(input.payment, input.version);
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
    if (input.events.length > 0) {
      await trx('payment_events').insert(input.events.map(toEventRow)).onConflict('dedupe_key').ignore();
    }
    if (input.processedWebhookEventIds.length > 0) {
      await trx('webhook_events')
        .whereIn('id', input.processedWebhookEventIds)
        .whereNull('processed_at')
        .update({ processed_at: trx.fn.now() });
    }
  });
}
