import type { Knex } from 'knex';

/** Which API process holds an in-progress idempotency key, so a lock whose process died is released at once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.text('locked_by');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('locked_by');
  });
}
