import type { Knex } from 'knex';

/** Customers (for email), refunds with their reservations, and the email outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    /** The merchant's own id for the payer. */
    t.text('id').primary();
    t.text('email');
    t.text('name');
    t.text('locale').notNullable().defaultTo('en');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.alterTable('payments', (t) => {
    t.text('receipt_email');
  });

  await knex.schema.createTable('refunds', (t) => {
    t.text('id').primary();
    t.text('payment_id').notNullable().references('payments.id');
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('reason').notNullable();
    t.text('details');
    t.text('status').notNullable();
    /** True while the amount counts against what is refundable: from request until denial, expiry or success. */
    t.boolean('reserves_amount').notNullable().defaultTo(true);
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.text('requested_by').notNullable();
    t.text('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.text('decision_reason');
    t.text('provider_refund_id');
    t.timestamp('completed_at', { useTz: true });
    t.text('failure_message');
    t.integer('appeal_count').notNullable().defaultTo(0);
    t.text('appeal_details');
    t.jsonb('alternative_method');
    t.integer('state_version').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['payment_id']);
    t.index(['status', 'requested_at']);
  });
  await knex.raw(`alter table refunds add constraint refunds_amount_positive check (amount > 0)`);

  await knex.schema.createTable('email_outbox', (t) => {
    t.bigIncrements('id').primary();
    /** One message per event and recipient: a retried activity finds it here and sends nothing twice. */
    t.text('dedupe_key').notNullable().unique();
    t.text('to_address').notNullable();
    t.text('template').notNullable();
    t.text('locale').notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.text('html_body');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('message_id');
    t.text('error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('email_outbox');
  await knex.schema.dropTable('refunds');
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('receipt_email');
  });
  await knex.schema.dropTable('customers');
}
