import { randomUUID } from 'node:crypto';
import { DEFAULT_RETENTION, type RetentionCounts, type RetentionSettings } from '../../domain/retention';
import { ensureRetentionSchedule, retentionScheduleId } from '../../worker/retention-schedule';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/*
 * Data retention against real PostgreSQL and Temporal: rows planted just outside and just inside each period, one
 * retention run (the workflow, then its Schedule), and only the old rows are gone. Every query is scoped to rows this
 * file planted (the database is shared with other test files).
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

const ago = (hours: number) => new Date(Date.now() - hours * 3600_000);
const DAY = 24;

/** One old and one recent row (or set of rows) in each table retention looks after; returns how to find them. */
async function plant(tag: string) {
  const db = stack.db;
  const principal = `retention-${tag}`;
  await db('idempotency_keys').insert([
    { principal, key: 'old', method: 'POST', path: '/v1/payments', fingerprint: 'x', state: 'completed', response_status: 200, response_body: { iban: 'DE89370400440532013000' }, created_at: ago(25) },
    { principal, key: 'recent', method: 'POST', path: '/v1/payments', fingerprint: 'x', state: 'completed', response_status: 200, response_body: {}, created_at: ago(23) },
  ]);
  const eventRow = (name: string, receivedAt: Date) => ({
    provider: 'stripe', event_id: `evt_${tag}_${name}`, type: 'payment_intent.succeeded', raw_body: `{"secret":"${tag}"}`, normalized: {}, received_at: receivedAt, last_received_at: receivedAt,
  });
  await db('webhook_events').insert([eventRow('old', ago(31 * DAY)), eventRow('recent', ago(29 * DAY))]);
  await db('webhook_rejections').insert([
    { provider: 'stripe', reason: `${tag} old`, received_at: ago(31 * DAY) }, { provider: 'stripe', reason: `${tag} recent`, received_at: ago(29 * DAY) },
  ]);
  await db('webhook_transmissions').insert([
    { provider: 'paypal', delivery_id: `${tag}-old`, received_at: ago(25) }, { provider: 'paypal', delivery_id: `${tag}-recent`, received_at: ago(23) },
  ]);
  await db('payer_return_checks').insert([{ payment_id: `pay_${tag}_old`, checked_at: ago(25) }, { payment_id: `pay_${tag}_recent`, checked_at: ago(23) }]);
  const ephemeral = (name: string, expiresAt: Date) => ({
    id: `ephkey_${tag}_${name}`, secret_sha256: `${tag}-${name}`, customer_id: 'cus_retention', created_by: 'test', created_at: ago(26), expires_at: expiresAt,
  });
  await db('ephemeral_keys').insert([ephemeral('old', ago(25)), ephemeral('recent', ago(23))]);
  const session = (name: string, expiresAt: Date) => ({ id: `as_${tag}_${name}`, token_hash: `${tag}-${name}`, csrf_token: 'x', principal_id: 'admin', expires_at: expiresAt });
  await db('admin_sessions').insert([session('old', ago(25)), session('recent', ago(23))]);
  const email = (name: string, status: string, createdAt: Date) => ({
    dedupe_key: `${tag}:${name}`, to_address: 'ada@example.com', template: 'payment_receipt', locale: 'en', subject: 's', text_body: 't', status, created_at: createdAt,
  });
  await db('email_outbox').insert([email('old-sent', 'sent', ago(91 * DAY)), email('old-failed', 'failed', ago(91 * DAY)), email('old-pending', 'pending', ago(91 * DAY)), email('recent', 'sent', ago(89 * DAY))]);
  const run = (name: string, status: string, startedAt: Date) => ({ workflow_id: `sync-${tag}-${name}`, provider: 'stripe', trigger: 'manual', window_from: 0, window_to: 1, status, started_at: startedAt });
  await db('sync_runs').insert([run('old', 'completed', ago(91 * DAY)), run('old-running', 'running', ago(91 * DAY)), run('recent', 'completed', ago(89 * DAY))]);

  /** What of the planted rows is still there. */
  return async () => ({
    idempotencyKeys: (await db('idempotency_keys').where({ principal }).orderBy('key').pluck('key')),
    rawBodies: (await db('webhook_events').whereIn('event_id', [`evt_${tag}_old`, `evt_${tag}_recent`]).whereNotNull('raw_body').orderBy('event_id').pluck('event_id')),
    webhookEvents: Number((await db('webhook_events').whereIn('event_id', [`evt_${tag}_old`, `evt_${tag}_recent`]).count({ n: '*' }))[0].n),
    rejections: await db('webhook_rejections').whereLike('reason', `${tag} %`).orderBy('reason').pluck('reason'),
    transmissions: await db('webhook_transmissions').whereLike('delivery_id', `${tag}-%`).orderBy('delivery_id').pluck('delivery_id'),
    payerReturnChecks: await db('payer_return_checks').whereLike('payment_id', `pay_${tag}_%`).orderBy('payment_id').pluck('payment_id'),
    ephemeralKeys: await db('ephemeral_keys').whereLike('id', `ephkey_${tag}_%`).orderBy('id').pluck('id'),
    adminSessions: await db('admin_sessions').whereLike('id', `as_${tag}_%`).orderBy('id').pluck('id'),
    emails: await db('email_outbox').whereLike('dedupe_key', `${tag}:%`).orderBy('dedupe_key').pluck('dedupe_key'),
    syncRuns: await db('sync_runs').whereLike('workflow_id', `sync-${tag}-%`).orderBy('workflow_id').pluck('workflow_id'),
  });
}

function onlyRecentLeft(tag: string) {
  return {
    idempotencyKeys: ['recent'],
    rawBodies: [`evt_${tag}_recent`],
    webhookEvents: 2, // the old event stays; only its raw body is cleared
    rejections: [`${tag} recent`],
    transmissions: [`${tag}-recent`],
    payerReturnChecks: [`pay_${tag}_recent`],
    ephemeralKeys: [`ephkey_${tag}_recent`],
    adminSessions: [`as_${tag}_recent`],
    emails: [`${tag}:old-pending`, `${tag}:recent`],
    syncRuns: [`sync-${tag}-old-running`, `sync-${tag}-recent`],
  };
}

async function runRetention(settings: RetentionSettings): Promise<RetentionCounts> {
  const workflowId = `retention-test-${randomUUID()}`;
  const counts = await stack.client.workflow.execute<(settings: RetentionSettings) => Promise<RetentionCounts>>('applyRetention', {
    workflowId, taskQueue: stack.taskQueue, args: [settings],
  });
  await recordHistory(stack.client, workflowId, 'apply-retention');
  return counts;
}

it('removes only what outlived its period, and a second run finds nothing more of it', async () => {
  const tag = randomUUID().slice(0, 8);
  const remaining = await plant(tag);
  expect((await remaining()).idempotencyKeys).toEqual(['old', 'recent']);

  const counts = await runRetention(DEFAULT_RETENTION);
  expect(await remaining()).toEqual(onlyRecentLeft(tag));
  // Counts cover every test's rows in the shared database: at least this file's old ones.
  for (const table of ['idempotencyKeys', 'webhookRawBodies', 'webhookRejections', 'webhookTransmissions', 'payerReturnChecks', 'ephemeralKeys', 'adminSessions', 'syncRuns'] as const) {
    expect(counts[table]).toBeGreaterThanOrEqual(1);
  }
  expect(counts.emailOutbox).toBeGreaterThanOrEqual(2);

  await runRetention(DEFAULT_RETENTION);
  expect(await remaining()).toEqual(onlyRecentLeft(tag));
});

it('keeps the rejection log bounded by rows, oldest first, whatever their age', async () => {
  const tag = randomUUID().slice(0, 8);
  // Older than anything another test writes, so they are the oldest rows of the log.
  await stack.db('webhook_rejections').insert([
    { provider: 'stripe', reason: `${tag} oldest`, received_at: new Date('1990-01-01T00:00:00Z') },
    { provider: 'stripe', reason: `${tag} second`, received_at: new Date('1990-01-02T00:00:00Z') },
    { provider: 'stripe', reason: `${tag} third`, received_at: new Date('1990-01-03T00:00:00Z') },
  ]);
  const [{ n }] = await stack.db('webhook_rejections').count({ n: '*' });
  await runRetention({ ...DEFAULT_RETENTION, webhookRejectionDays: 365 * 100, webhookRejectionMaxRows: Number(n) - 2 });
  expect(await stack.db('webhook_rejections').whereLike('reason', `${tag} %`).pluck('reason')).toEqual([`${tag} third`]);
});

it('runs on a Temporal Schedule the worker creates', async () => {
  const tag = randomUUID().slice(0, 8);
  const remaining = await plant(tag);
  const scheduleId = await ensureRetentionSchedule(stack.client, { intervalMinutes: 60, taskQueue: stack.taskQueue, settings: DEFAULT_RETENTION, idSuffix: stack.taskQueue });
  expect(scheduleId).toBe(retentionScheduleId(stack.taskQueue));
  const handle = stack.client.schedule.getHandle(scheduleId);
  try {
    const description = await handle.describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'applyRetention', taskQueue: stack.taskQueue, args: [DEFAULT_RETENTION] });
    await handle.trigger();
    const action = await waitFor(async () => (await handle.describe()).info.recentActions.at(-1)?.action, { timeoutMs: 60_000, what: 'the schedule to start its run' });
    await stack.client.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId).result();
    expect(await remaining()).toEqual(onlyRecentLeft(tag));
  } finally {
    await handle.delete();
  }
});
