import type { Knex } from 'knex';

/** Admin console sign-ins: the cookie holds a random token, the table only its SHA-256. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('admin_sessions', (t) => {
    t.text('id').primary();
    t.text('token_hash').notNullable().unique();
    /** The synchronizer token every state-changing form of this session must send back. */
    t.text('csrf_token').notNullable();
    /** Who signed in, as actors name them (the admin key's id, never the key). */
    t.text('principal_id').notNullable();
    /** A one-shot message for the next page (the outcome of a form), cleared when shown. */
    t.jsonb('flash');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_sessions');
}
