import type { Knex } from 'knex';

/**
 * Rate-limit counters shared by every API process (rate-limiter-flexible's PostgreSQL layout). Unlogged: a
 * counter lost in a crash only forgives a minute's requests, and writes skip the WAL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create unlogged table rate_limits (
    key varchar(255) primary key,
    points integer not null default 0,
    expire bigint
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}
