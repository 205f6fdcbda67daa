import type { Knex } from 'knex';

/** Payments, their append-only history, the webhook inbox and API idempotency records. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payments', (t) => {
    t.text('id').primary();
    t.text('status').notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('capture_method').notNullable();
    t.bigInteger('amount_captured').notNullable().defaultTo(0);
    t.bigInteger('amount_refunded').notNullable().defaultTo(0);
    t.text('provider').notNullable();
    t.text('provider_payment_id');
    t.text('payment_method');
    t.text('client_secret');
    t.jsonb('next_action');
    t.text('failure_code');
    t.text('failure_message');
    t.jsonb('failure_details');
    t.text('customer_id');
    t.text('description');
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.integer('state_version').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['provider', 'provider_payment_id']);
    t.index(['created_at', 'id']);
    t.index(['customer_id', 'created_at']);
    t.index(['status', 'created_at']);
  });
  await knex.raw(`alter table payments add constraint payments_amount_positive check (amount > 0)`);
  await knex.raw(`alter table payments add constraint payments_currency_lowercase check (currency ~ '^[a-z]{3}$')`);

  await knex.schema.createTable('payment_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('payment_id').notNullable().references('payments.id');
    /** Makes every write idempotent: an activity retried after a crash inserts nothing twice. */
    t.text('dedupe_key').notNullable().unique();
    t.text('type').notNullable();
    t.text('from_status');
    t.text('to_status');
    t.text('source').notNullable();
    t.text('actor').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['payment_id', 'occurred_at', 'id']);
  });
  await knex.raw(
    `alter table payment_events add constraint payment_events_source check (source in ('api', 'webhook', 'sync', 'workflow'))`,
  );
  // The history is append-only: refuse updates and deletes at the database.
  await knex.raw(`
    create function payment_events_append_only() returns trigger language plpgsql as $$
    begin raise exception 'payment_events is append-only'; end $$;
    create trigger payment_events_no_update before update or delete on payment_events
      for each row execute function payment_events_append_only();
  `);

  await knex.schema.createTable('webhook_events', (t) => {
    t.bigIncrements('id').primary();
    t.text('provider').notNullable();
    t.text('event_id').notNullable();
    t.text('type').notNullable();
    t.text('payment_id');
    t.text('provider_payment_id');
    t.text('raw_body').notNullable();
    /** The provider-neutral translation, applied from here so a replay never re-verifies a stale signature. */
    t.jsonb('normalized').notNullable();
    t.integer('delivery_count').notNullable().defaultTo(1);
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    /** Handed to the payment's workflow. */
    t.timestamp('signaled_at', { useTz: true });
    /** Applied (or recorded as ignored) by the workflow. */
    t.timestamp('processed_at', { useTz: true });
    t.integer('dispatch_attempts').notNullable().defaultTo(0);
    t.timestamp('next_dispatch_at', { useTz: true });
    t.text('error');
    t.unique(['provider', 'event_id']);
    t.index(['signaled_at', 'received_at']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('principal').notNullable();
    t.text('key').notNullable();
    t.text('method').notNullable();
    t.text('path').notNullable();
    t.text('fingerprint').notNullable();
    /** The id allocated for the resource, so a retry after a crash reuses it. */
    t.text('resource_id');
    t.text('state').notNullable().defaultTo('in_progress');
    t.integer('response_status');
    t.jsonb('response_body');
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['principal', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('webhook_events');
  await knex.raw('drop trigger if exists payment_events_no_update on payment_events');
  await knex.schema.dropTable('payment_events');
  await knex.raw('drop function if exists payment_events_append_only()');
  await knex.schema.dropTable('payments');
}
