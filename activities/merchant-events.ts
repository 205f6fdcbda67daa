import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { PAYMENT_RECORDS, toPayment } from '../api/payment-reads';
import { toRefund } from '../api/refund-reads';
import { disputeFromRow } from '../domain/dispute';
import { disputeEventKeys, type MerchantEventKey, paymentEventKeys, refundEventKeys } from '../domain/merchant-event';
import { chargeStatus } from '../domain/payment-status';

/*
 * Merchant-visible events (evt_...), written by the recorders of payments, refunds and disputes inside the
 * transaction that makes the change, so an event exists if and only if its change committed. Each recorder calls one
 * function here with the id it just wrote; the event keys derive from the stored state, so retries and repeated
 * saves of the same state record nothing twice. Deliveries to the endpoints subscribed at that moment are queued in
 * the same transaction and announced with pg_notify (sent on commit) to the webhook dispatcher.
 */

export const WEBHOOK_DELIVERY_CHANNEL = 'durapay_webhook_deliveries';

type Transaction = Knex | Knex.Transaction;

export function eventIdFor(dedupeKey: string): string {
  return `evt_${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 24)}`;
}

async function recordEvents(trx: Transaction, objectId: string, keys: MerchantEventKey[], object: unknown): Promise<void> {
  let queued = false;
  for (const key of keys) {
    const id = eventIdFor(key.dedupeKey);
    const inserted = await trx('events')
      .insert({ id, dedupe_key: key.dedupeKey, type: key.type, object_id: objectId, data: JSON.stringify(object) })
      .onConflict('dedupe_key')
      .ignore()
      .returning('id');
    if (inserted.length === 0) continue;
    const deliveries = await trx.raw(
      `insert into webhook_deliveries (id, event_id, endpoint_id)
       select 'wd_' || substr(md5(? || ':' || e.id), 1, 24), ?, e.id from webhook_endpoints e
       where e.status = 'enabled' and e.deleted_at is null and jsonb_exists_any(e.enabled_events, array['*', ?])
       on conflict (event_id, endpoint_id) do nothing returning id`,
      [id, id, key.type],
    );
    queued ||= deliveries.rows.length > 0;
  }
  if (queued) await trx.raw('select pg_notify(?, ?)', [WEBHOOK_DELIVERY_CHANNEL, objectId]);
}

export async function recordPaymentEvents(trx: Transaction, paymentId: string): Promise<void> {
  const row = await trx(PAYMENT_RECORDS).where({ id: paymentId }).first();
  if (!row) return;
  const payment = toPayment(row);
  // Payment events follow the charge's lifecycle; refunds and disputes have events of their own.
  await recordEvents(trx, payment.id, paymentEventKeys({ ...payment, status: chargeStatus(row.charge_status) }), payment);
}

export async function recordRefundEvents(trx: Transaction, refundId: string): Promise<void> {
  const row = await trx('refunds').where({ id: refundId }).first();
  if (!row) return;
  const refund = toRefund(row, { showIban: false });
  await recordEvents(trx, refund.id, refundEventKeys(refund), refund);
}

export async function recordDisputeEvents(trx: Transaction, disputeId: string): Promise<void> {
  const row = await trx('disputes').where({ id: disputeId }).first();
  if (!row) return;
  const dispute = disputeFromRow(row);
  await recordEvents(trx, dispute.id, disputeEventKeys(dispute), dispute);
}
