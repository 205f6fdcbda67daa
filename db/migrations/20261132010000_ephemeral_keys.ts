import type { Knex } from 'knex';

/** Short-lived keys a client app uses for one customer (POST /v1/ephemeral-keys). Only the secret's hash is kept. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ephemeral_keys', (t) => {
    t.text('id').primary();
    t.text('secret_sha256').notNullable().unique();
    t.text('customer_id').notNullable();
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ephemeral_keys');
}
