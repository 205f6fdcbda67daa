import type { Knex } from 'knex';

/** Merchant-visible events (evt_), the merchant's webhook endpoints with their secrets, and each delivery's attempts. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('events', (t) => {
    /** evt_ derived from dedupe_key, so a retried recorder finds the event it already wrote. */
    t.text('id').primary();
    /** One event per change: e.g. `<payment id>:payment.succeeded:attempt-1`. */
    t.text('dedupe_key').notNullable().unique();
    /** Orders events written in one transaction (payment.created before payment.succeeded). */
    t.bigIncrements('seq', { primaryKey: false }).notNullable().unique();
    t.text('type').notNullable();
    /** The payment, refund or dispute the event is about. */
    t.text('object_id').notNullable();
    /** The object as the API returned it when the change was recorded. */
    t.jsonb('data').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['type', 'seq']);
    t.index(['object_id']);
  });

  await knex.schema.createTable('webhook_endpoints', (t) => {
    t.text('id').primary();
    t.text('url').notNullable();
    t.text('description');
    t.jsonb('enabled_events').notNullable();
    t.text('status').notNullable().defaultTo('enabled');
    t.text('disabled_reason');
    /** The first failed attempt since the last success: an endpoint failing long enough is disabled. */
    t.timestamp('failing_since', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('deleted_at', { useTz: true });
  });
  await knex.raw(`alter table webhook_endpoints add constraint webhook_endpoints_status check (status in ('enabled', 'disabled'))`);

  await knex.schema.createTable('webhook_endpoint_secrets', (t) => {
    t.bigIncrements('id').primary();
    t.text('endpoint_id').notNullable().references('id').inTable('webhook_endpoints');
    /** Kept in clear: HMAC signing needs it. Shown to the merchant only when created. */
    t.text('secret').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    /** Null while current; set on rotation, so old and new both sign until then. */
    t.timestamp('expires_at', { useTz: true });
    t.index(['endpoint_id']);
  });

  await knex.schema.createTable('webhook_deliveries', (t) => {
    /** wd_ derived from (event, endpoint): one delivery of an event to an endpoint, whatever retries. */
    t.text('id').primary();
    t.text('event_id').notNullable().references('id').inTable('events');
    t.text('endpoint_id').notNullable().references('id').inTable('webhook_endpoints');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempt_count').notNullable().defaultTo(0);
    t.integer('last_status_code');
    t.text('last_error');
    t.timestamp('next_retry_at', { useTz: true });
    t.timestamp('delivered_at', { useTz: true });
    /** Set once its delivery workflow has been started; null rows are picked up by the dispatcher. */
    t.timestamp('dispatched_at', { useTz: true });
    t.integer('redelivery_count').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['event_id', 'endpoint_id']);
    t.index(['endpoint_id', 'created_at']);
  });
  await knex.raw(`alter table webhook_deliveries add constraint webhook_deliveries_status check (status in ('pending', 'delivered', 'failed', 'canceled'))`);
  await knex.raw(`create index webhook_deliveries_undispatched on webhook_deliveries (created_at) where dispatched_at is null`);

  await knex.schema.createTable('webhook_delivery_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.text('delivery_id').notNullable().references('id').inTable('webhook_deliveries');
    /** The workflow that made it (the delivery, or a redelivery) and its attempt number there: a retried activity records it once. */
    t.text('workflow_id').notNullable();
    t.integer('workflow_attempt').notNullable();
    t.integer('status_code');
    t.text('error');
    t.integer('duration_ms').notNullable();
    t.timestamp('attempted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['workflow_id', 'workflow_attempt']);
    t.index(['delivery_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_delivery_attempts');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('webhook_endpoint_secrets');
  await knex.schema.dropTable('webhook_endpoints');
  await knex.schema.dropTable('events');
}
