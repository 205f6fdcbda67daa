import type { Knex } from 'knex';

/** Risk review: block lists, held payments' reviews, customer fraud flags, processing pauses. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('risk_blocklist', (t) => {
    t.text('id').primary();
    t.text('kind').notNullable();
    /** Normalized (domains lower-cased), so lookups are exact. */
    t.text('value').notNullable();
    t.text('reason');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['kind', 'value']);
  });
  await knex.raw(`alter table risk_blocklist add constraint risk_blocklist_kind check (kind in ('customer_id', 'email_domain', 'card_fingerprint', 'ip'))`);

  await knex.schema.createTable('risk_reviews', (t) => {
    t.text('id').primary();
    t.text('payment_id').notNullable().references('payments.id');
    /** 'pre_provider' holds the payment before any provider call; 'provider_risk' looks at a payment the provider flagged. */
    t.text('kind').notNullable();
    t.text('status').notNullable().defaultTo('open');
    t.jsonb('findings').notNullable().defaultTo('[]');
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.text('decision_reason');
    t.index(['status', 'opened_at']);
    t.index(['payment_id']);
  });
  await knex.raw(`alter table risk_reviews add constraint risk_reviews_status check (status in ('open', 'approved', 'blocked', 'expired', 'canceled'))`);

  await knex.schema.createTable('processing_pauses', (t) => {
    t.text('id').primary();
    /** 'all' or 'provider:<name>'. */
    t.text('scope').notNullable();
    t.text('reason').notNullable();
    t.text('started_by').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('ended_by');
    t.timestamp('ended_at', { useTz: true });
  });
  // At most one pause in force per scope, even under concurrent requests.
  await knex.raw('create unique index processing_pauses_one_active on processing_pauses (scope) where ended_at is null');

  await knex.schema.alterTable('customers', (t) => {
    /** Set when fraud is confirmed; blocks further payments until an admin clears it. */
    t.jsonb('risk_flag');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => t.dropColumn('risk_flag'));
  await knex.schema.dropTable('processing_pauses');
  await knex.schema.dropTable('risk_reviews');
  await knex.schema.dropTable('risk_blocklist');
}
