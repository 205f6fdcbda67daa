import type { Knex } from 'knex';

/**
 * Which refunds the auto-approval rule approved, claimed in the same transaction that reserves the amount (payment row
 * locked): concurrent small refunds can't each see room under the per-payment cap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refunds', (t) => {
    t.boolean('auto_approved').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('refunds', (t) => {
    t.dropColumn('auto_approved');
  });
}
