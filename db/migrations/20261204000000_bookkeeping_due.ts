import type { Knex } from 'knex';
import { createPaymentRecordsView } from './20261201010000_payment_records_filters';

/**
 * The payment's answered save left its bookkeeping (ledger entry, merchant events, invoice) to the step that follows
 * the answer: set in that save's transaction, cleared in the bookkeeping's. Ledger reconciliation leaves such a payment
 * for its next run instead of reporting a difference that is only under way.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.boolean('bookkeeping_due').notNullable().defaultTo(false);
  });
  // payment_records shows every column of payments.
  await createPaymentRecordsView(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop view if exists payment_records');
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('bookkeeping_due');
  });
  await createPaymentRecordsView(knex);
}
