import type { Knex } from 'knex';

/**
 * Signed deliveries already accepted, by the provider's delivery id (PayPal's transmission id): a captured delivery
 * replayed within the signature's time window is acknowledged and ignored.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_transmissions', (t) => {
    t.text('provider').notNullable();
    t.text('delivery_id').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['provider', 'delivery_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_transmissions');
}
