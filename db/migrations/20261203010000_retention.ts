import type { Knex } from 'knex';

/**
 * Data retention (activities/retention-activities.ts): raw webhook bodies can be cleared (the normalized event stays),
 * and the time columns retention looks rows up by are indexed so each hourly run reads only what it removes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_events', (t) => {
    t.text('raw_body').nullable().alter();
  });
  await knex.raw('create index webhook_events_raw_body_received_at on webhook_events (received_at) where raw_body is not null');
  await knex.raw('create index idempotency_keys_created_at on idempotency_keys (created_at)');
  await knex.raw('create index webhook_rejections_received_at on webhook_rejections (received_at)');
  await knex.raw('create index webhook_transmissions_received_at on webhook_transmissions (received_at)');
  await knex.raw(`create index email_outbox_finished_created_at on email_outbox (created_at) where status in ('sent', 'failed')`);
  await knex.raw('create index payer_return_checks_checked_at on payer_return_checks (checked_at)');
}

export async function down(knex: Knex): Promise<void> {
  for (const index of [
    'payer_return_checks_checked_at', 'email_outbox_finished_created_at', 'webhook_transmissions_received_at',
    'webhook_rejections_received_at', 'idempotency_keys_created_at', 'webhook_events_raw_body_received_at',
  ]) {
    await knex.raw(`drop index if exists ${index}`);
  }
  await knex('webhook_events').whereNull('raw_body').update({ raw_body: '' });
  await knex.schema.alterTable('webhook_events', (t) => {
    t.text('raw_body').notNullable().alter();
  });
}
