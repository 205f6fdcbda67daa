import type { Knex } from 'knex';

/**
 * The outbox row is claimed (and the claim committed) before SMTP is spoken, so no transaction or lock is held
 * during the send; a claim whose sender died lapses at claimed_until. Status 'failed' = refused for good by SMTP.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_outbox', (t) => {
    t.timestamp('claimed_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_outbox', (t) => {
    t.dropColumn('claimed_until');
  });
}
