import type { Payment, PaymentEvent } from '../domain/payment';
import type { Database } from '../platform/database';
import { toEventRow } from './payment-history';

/** The stored payment a late provider event was about. */
export type LatePaymentView = Pick<Payment, 'id' | 'status' | 'provider' | 'provider_payment_id' | 'amount' | 'currency'>;

/**
 * Records a provider event that arrived after the payment's workflow finished (a history line, never applied) and
 * marks its webhook processed, in one transaction; idempotent. Returns what the caller needs to judge whether the
 * provider holds money the engine doesn't count.
 */
export async function recordLateProviderEvent(
  db: Database,
  input: { paymentId: string; event: PaymentEvent; webhookEventId: number | null },
): Promise<LatePaymentView | null> {
  return db.transaction(async (trx) => {
    await trx('payment_events').insert(toEventRow(input.event)).onConflict('dedupe_key').ignore();
    if (input.webhookEventId !== null) {
      await trx('webhook_events').where({ id: input.webhookEventId }).whereNull('processed_at').update({ processed_at: trx.fn.now() });
    }
    const row = await trx('payments').where({ id: input.paymentId }).first('id', 'status', 'provider', 'provider_payment_id', 'amount', 'currency');
    return row ? { ...row, amount: Number(row.amount) } : null;
  });
}
