import type { Knex } from 'knex';

/** Disputes (chargebacks), one row per provider dispute, and the dispute reference payments show. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('disputes', (t) => {
    /** dsp_ + a hash of provider and provider dispute id: every event of one dispute lands on the same row. */
    t.text('id').primary();
    t.text('provider').notNullable();
    t.text('provider_dispute_id').notNullable();
    t.text('provider_payment_id');
    /** Null when the disputed provider payment is not one the engine knows. */
    t.text('payment_id').references('id').inTable('payments');
    t.bigInteger('amount').notNullable();
    t.text('currency').notNullable();
    t.text('reason').notNullable();
    t.text('status').notNullable();
    t.text('provider_status');
    t.timestamp('evidence_due_by', { useTz: true });
    t.bigInteger('amount_lost').notNullable().defaultTo(0);
    t.text('provider_url');
    /** What the payment was before it was first marked disputed; a won dispute returns it there. */
    t.text('payment_status_before');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.unique(['provider', 'provider_dispute_id']);
    t.index(['payment_id']);
    t.index(['status', 'created_at']);
  });
  await knex.raw(`alter table disputes add constraint disputes_status check (status in ('needs_response', 'under_review', 'won', 'lost'))`);

  // Written only by the dispute workflow's activities; the payment workflow's saves never name these columns.
  await knex.schema.alterTable('payments', (t) => {
    t.text('dispute_id');
    t.text('dispute_status');
    t.bigInteger('dispute_amount');
    /** The disputed amount once the dispute is lost: money the payer's bank took back. */
    t.bigInteger('dispute_amount_lost');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('dispute_amount_lost');
    t.dropColumn('dispute_amount');
    t.dropColumn('dispute_status');
    t.dropColumn('dispute_id');
  });
  await knex.schema.dropTable('disputes');
}
