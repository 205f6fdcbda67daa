import type { Knex } from 'knex';

/**
 * What the revenue report groups by: with statistics on the UTC periods PostgreSQL knows a year has 12 months and 365
 * days (not one group per row), and aggregates in a hash table instead of sorting every posting.
 */
export async function up(knex: Knex): Promise<void> {
  for (const interval of ['day', 'week', 'month']) {
    await knex.raw(`create statistics ledger_transactions_${interval}s on (date_trunc('${interval}', occurred_at, 'UTC')) from ledger_transactions`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const interval of ['day', 'week', 'month']) await knex.raw(`drop statistics if exists ledger_transactions_${interval}s`);
}
