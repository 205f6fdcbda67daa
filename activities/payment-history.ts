import type { Knex } from 'knex';
import type { PaymentEvent } from '../domain/payment';

export function toEventRow(event: PaymentEvent) {
  return { ...event, data: JSON.stringify(event.data) };
}

/** Appends history lines; a line whose dedupe key is there already is skipped, so retries append nothing twice. */
export async function appendPaymentEvents(trx: Knex | Knex.Transaction, events: PaymentEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const inserted = await trx('payment_events').insert(events.map(toEventRow)).onConflict('dedupe_key').ignore().returning('id');
  return inserted.length;
}
