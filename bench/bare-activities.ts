import Stripe from 'stripe';
import type { Database } from '../platform/database';

/** The three steps of a payment without Durapay: one PostgreSQL row, one sandbox PaymentIntent, one update. */
export function bareActivities(db: Database, stripe: Stripe) {
  return {
    async insertPayment(id: string): Promise<void> {
      await db('bench_payments').insert({ id, status: 'pending', amount: 1000 }).onConflict('id').ignore();
    },
    async chargeAtSandbox(id: string): Promise<string> {
      const intent = await stripe.paymentIntents.create(
        { amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, return_url: 'http://127.0.0.1/return' },
        { idempotencyKey: `${id}:create` },
      );
      return intent.status;
    },
    async updatePayment(id: string, status: string): Promise<void> {
      await db('bench_payments').where({ id }).update({ status });
    },
  };
}

export type BareActivities = ReturnType<typeof bareActivities>;

/** Outside the migrations on purpose: the bench's own scratch table, never read by the engine. */
export async function ensureBenchTable(db: Database): Promise<void> {
  await db.raw('create table if not exists bench_payments (id text primary key, status text not null, amount integer not null)');
}
