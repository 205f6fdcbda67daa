import type { Knex } from 'knex';

/**
 * The payment's answered save left its bookkeeping (ledger entry, merchant events, invoice) to the step that follows
 * the answer: set in that save's transaction, cleared in the bookkeeping's. Ledger reconciliation leaves such a payment
 * for its next run instead of reporting a difference that is only under way.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.boolean('bookkeeping_due').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('bookkeeping_due');
  });
}
