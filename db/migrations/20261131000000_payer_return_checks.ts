import type { Knex } from 'knex';

/**
 * When the payer-return link last asked a payment's workflow to look at the provider: the API claims a slot here
 * atomically, so however many browsers (or API instances) hit the link, one provider look-up per payment per window.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payer_return_checks', (t) => {
    t.text('payment_id').primary();
    t.timestamp('checked_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payer_return_checks');
}
