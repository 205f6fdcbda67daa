import type { Knex } from 'knex';

/** The failure-rate alert counts payment outcomes over the last minutes of history, across all payments. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_events', (t) => {
    t.index(['occurred_at'], 'payment_events_occurred_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_events', (t) => {
    t.dropIndex(['occurred_at'], 'payment_events_occurred_at');
  });
}
