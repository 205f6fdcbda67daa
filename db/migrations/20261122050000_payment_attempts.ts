import type { Knex } from 'knex';

/** Retries of failed payments: which attempt a payment is on, the attempts before it, and a scheduled automatic retry. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.integer('attempt_count').notNullable().defaultTo(1);
    t.jsonb('previous_attempts').notNullable().defaultTo('[]');
    t.timestamp('next_retry_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('attempt_count');
    t.dropColumn('previous_attempts');
    t.dropColumn('next_retry_at');
  });
}
