import type { Knex } from 'knex';

/** Provider sync (cursor per provider, one row per run), operator alerts, and rejected webhooks for their rate. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sync_cursors', (t) => {
    t.text('provider').primary();
    /** The end of the last completed window (seconds since the epoch): the next default window starts here. */
    t.bigInteger('synced_until').notNullable();
    t.text('last_workflow_id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('sync_runs', (t) => {
    /** The sync workflow's id: a run is written once and finished once, however often activities retry. */
    t.text('workflow_id').primary();
    t.text('provider').notNullable();
    t.text('trigger').notNullable();
    t.bigInteger('window_from').notNullable();
    t.bigInteger('window_to').notNullable();
    t.text('status').notNullable().defaultTo('running');
    t.jsonb('counts').notNullable().defaultTo('{}');
    t.text('error');
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.index(['started_at']);
    t.index(['provider', 'started_at']);
  });
  await knex.raw(`alter table sync_runs add constraint sync_runs_status check (status in ('running', 'completed', 'failed'))`);

  await knex.schema.createTable('alerts', (t) => {
    t.text('id').primary();
    /** One alert per incident, whatever retries or repeated checks raise it again. */
    t.text('dedupe_key').notNullable().unique();
    t.text('kind').notNullable();
    t.text('severity').notNullable();
    t.text('message').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('acknowledged_at', { useTz: true });
    t.text('acknowledged_by');
    t.index(['created_at']);
  });
  await knex.raw(`alter table alerts add constraint alerts_severity check (severity in ('info', 'warning', 'critical'))`);

  await knex.schema.createTable('webhook_rejections', (t) => {
    t.bigIncrements('id').primary();
    t.text('provider').notNullable();
    /** Only the reason: a rejected body can't be trusted and is not kept. */
    t.text('reason').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['provider', 'received_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('webhook_rejections');
  await knex.schema.dropTable('alerts');
  await knex.schema.dropTable('sync_runs');
  await knex.schema.dropTable('sync_cursors');
}
