import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { createDisputeActivities } from '../../activities/dispute-activities';
import type { Payment } from '../../domain/payment';
import { connectDatabase, type Database } from '../../platform/database';
import { TestStack } from '../support/stack';
import { testEnv } from '../support/test-env';

/**
 * payment_records: the charge as its one writer stored it, with amount_refunded, refunded / partially_refunded /
 * disputed and the dispute reference derived from the refunds and disputes rows.
 */
describe('payment records derive refunds and disputes from their own rows', () => {
  let stack: TestStack;
  const run = randomBytes(4).toString('hex');
  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'none' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const now = new Date();
  // Kronor, which no other file pays in: these planted rows have no ledger postings, and files that check the ledger's
  // euro balances against the payments share this database (payment_events is append-only, so they can't be removed).
  const insertPayment = (id: string, columns: Record<string, unknown> = {}) => stack.db('payments').insert({
    id, status: 'succeeded', amount: 1000, currency: 'sek', capture_method: 'automatic', amount_captured: 1000, provider: 'stripe',
    payment_method_type: 'card', provider_payment_id: `pi_${id}`, customer_id: `cus_rec${run}`, created_at: now, updated_at: now, ...columns,
  });
  /** GET /v1/payments?status=…, for this file's customer: the list narrows by what each status implies, then compares it. */
  const listed = async (status: string) =>
    ((await stack.request('GET', `/v1/payments?customer_id=cus_rec${run}&status=${status}&limit=100`)).body.data as Payment[]).map((p) => p.id).sort();
  const insertRefund = (id: string, paymentId: string, amount: number, status = 'succeeded') => stack.db('refunds').insert({
    id, payment_id: paymentId, amount, currency: 'sek', reason: 'requested_by_customer', status, reserves_amount: status !== 'succeeded' && status !== 'failed',
    requested_at: now, requested_by: 'test', completed_at: status === 'succeeded' ? now : null,
  });
  const read = async (id: string) => (await stack.request<Payment>('GET', `/v1/payments/${id}`)).body;

  it('has every column of payments, with the derived ones and the charge status', async () => {
    const columns = async (table: string) => (await stack.db.raw(
      `select column_name from information_schema.columns where table_schema = current_schema() and table_name = ? order by column_name`, [table],
    )).rows.map((row: { column_name: string }) => row.column_name);
    expect(await columns('payment_records')).toEqual([...(await columns('payments')), 'charge_status'].sort());
  });

  it('counts succeeded refunds and imported ones, never beyond the capture, and leaves pending ones out', async () => {
    const partly = `pay_rec${run}partly`;
    const fully = `pay_rec${run}fully`;
    const pending = `pay_rec${run}pending`;
    await insertPayment(partly);
    await insertPayment(fully);
    await insertPayment(pending);
    await insertRefund(`re_rec${run}a`, partly, 300);
    await insertRefund(`re_rec${run}b`, fully, 700);
    await stack.db('payment_events').insert({
      payment_id: fully, dedupe_key: `${fully}:refund-imported:re_x`, type: 'refund.imported', source: 'sync', actor: 'stripe:sync',
      data: JSON.stringify({ provider_refund_id: 're_x', amount: 500 }), occurred_at: now,
    });
    await insertRefund(`re_rec${run}c`, pending, 400, 'processing');
    expect(await read(partly)).toMatchObject({ status: 'partially_refunded', amount_refunded: 300 });
    expect(await read(fully)).toMatchObject({ status: 'refunded', amount_refunded: 1000 });
    expect(await read(pending)).toMatchObject({ status: 'succeeded', amount_refunded: 0 });
    // The table keeps the charge: succeeded, whatever the refunds did.
    const stored = await stack.db('payments').whereIn('id', [partly, fully]).pluck('status');
    expect(stored).toEqual(['succeeded', 'succeeded']);
    expect(await listed('refunded')).toEqual([fully]);
    expect(await listed('partially_refunded')).toEqual([partly]);
    expect(await listed('succeeded')).toEqual([pending]);
  });

  it('only a charge that succeeded shows refunds or disputes; others keep their lifecycle status', async () => {
    const failed = `pay_rec${run}failed`;
    await insertPayment(failed, { status: 'failed', amount_captured: 0 });
    expect(await read(failed)).toMatchObject({ status: 'failed', amount_refunded: 0, dispute: null });
    expect(await listed('failed')).toEqual([failed]);
  });

  it('shows the dispute the dispute workflow applied last: disputed while open or lost, back to the amounts when won', async () => {
    const disputes = createDisputeActivities({ db: stack.db, providers: {} });
    const id = `pay_rec${run}disp`;
    await insertPayment(id);
    await insertRefund(`re_rec${run}d`, id, 200);
    const dispute = async (providerDisputeId: string, status: 'needs_response' | 'won' | 'lost', amount: number) => {
      const { dispute: recorded } = await disputes.recordDisputeState({
        state: { provider: 'stripe', providerDisputeId, providerPaymentId: `pi_${id}`, paymentId: id, amount, currency: 'sek', reason: 'fraudulent', status, providerStatus: status, evidenceDueBy: null, providerUrl: null },
        webhookEventId: null,
      });
      return disputes.applyDisputeToPayment({ disputeId: recorded.id, source: 'webhook' });
    };
    // Recorded but not applied: the payment doesn't show it yet.
    await disputes.recordDisputeState({
      state: { provider: 'stripe', providerDisputeId: `dp_${run}_0`, providerPaymentId: `pi_${id}`, paymentId: id, amount: 100, currency: 'sek', reason: 'fraudulent', status: 'needs_response', providerStatus: 'needs_response', evidenceDueBy: null, providerUrl: null },
      webhookEventId: null,
    });
    expect(await read(id)).toMatchObject({ status: 'partially_refunded', dispute: null });

    expect(await dispute(`dp_${run}_1`, 'needs_response', 800)).toEqual({ outcome: 'updated', paymentStatus: 'disputed' });
    expect(await read(id)).toMatchObject({ status: 'disputed', amount_refunded: 200, dispute: { status: 'needs_response', amount: 800, amount_lost: 0 } });
    expect(await listed('disputed')).toEqual([id]);
    expect(await listed('partially_refunded')).not.toContain(id);
    expect(await dispute(`dp_${run}_1`, 'lost', 800)).toEqual({ outcome: 'updated', paymentStatus: 'disputed' });
    expect((await read(id)).dispute).toMatchObject({ status: 'lost', amount_lost: 800 });
    // Disputed a second time, and won: the payment shows the second dispute and its amounts again.
    expect(await dispute(`dp_${run}_2`, 'won', 100)).toEqual({ outcome: 'updated', paymentStatus: 'partially_refunded' });
    expect(await read(id)).toMatchObject({ status: 'partially_refunded', dispute: { status: 'won', amount: 100, amount_lost: 0 } });
    expect(await stack.db('payments').where({ id }).first('status', 'dispute_id')).toEqual({ status: 'succeeded', dispute_id: null });
  });
});

describe('the migration to derived payment records', () => {
  const name = `durapay_records_${randomBytes(4).toString('hex')}`;
  const MINE = '20261201000000_payment_records_view.ts';
  let admin: Database;
  let db: Database;
  const config = (only: (file: string) => boolean = () => true) => ({ tableName: 'knex_migrations', migrationSource: filteredSource(only) });
  /** Knex's own file source, narrowed to the migrations a step applies. */
  const filteredSource = (only: (file: string) => boolean) => ({
    getMigrations: async () => readdirSync(path.join(__dirname, '../../db/migrations')).filter((file) => file.endsWith('.ts') && only(file)).sort(),
    getMigrationName: (file: string) => file,
    getMigration: async (file: string) => import(path.join(__dirname, '../../db/migrations', file)),
  });

  beforeAll(async () => {
    admin = connectDatabase(testEnv().databaseUrl, { poolMax: 1 });
    await admin.raw(`create database ${name}`);
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${name}`;
    db = connectDatabase(url.toString(), { poolMax: 2, statementTimeoutMs: 0 });
  });
  afterAll(async () => {
    await db?.destroy();
    await admin?.raw(`drop database if exists ${name}`);
    await admin?.destroy();
  });

  it('moves stored totals back to the charge, repairs a refund a closing save overwrote, and says so in the history', async () => {
    await db.migrate.latest(config((file) => file < MINE));
    const now = new Date();
    const payment = (id: string, columns: Record<string, unknown>) => ({
      id, status: 'succeeded', amount: 1000, currency: 'eur', capture_method: 'automatic', amount_captured: 1000, provider: 'stripe',
      payment_method_type: 'card', provider_payment_id: `pi_${id}`, created_at: now, updated_at: now, ...columns,
    });
    await db('payments').insert([
      payment('pay_refunded', { status: 'refunded', amount_refunded: 1000 }),
      // The race this change removes: the refund succeeded, then the workflow's closing save wrote succeeded / 0 over it.
      payment('pay_overwritten', { status: 'succeeded', amount_refunded: 0 }),
      payment('pay_disputed', { status: 'disputed', dispute_id: 'dsp_1', dispute_status: 'lost', dispute_amount: 1000, dispute_amount_lost: 1000 }),
      payment('pay_open', { status: 'requires_capture', capture_method: 'manual', amount_captured: 0 }),
    ]);
    const refund = (id: string, paymentId: string, amount: number) => ({
      id, payment_id: paymentId, amount, currency: 'eur', reason: 'requested_by_customer', status: 'succeeded', reserves_amount: false,
      requested_at: now, requested_by: 'test', completed_at: now,
    });
    await db('refunds').insert([refund('re_1', 'pay_refunded', 1000), refund('re_2', 'pay_overwritten', 400)]);
    await db('disputes').insert({
      id: 'dsp_1', provider: 'stripe', provider_dispute_id: 'dp_1', provider_payment_id: 'pi_pay_disputed', payment_id: 'pay_disputed', amount: 1000,
      currency: 'eur', reason: 'fraudulent', status: 'lost', amount_lost: 1000, payment_status_before: 'succeeded', closed_at: now,
    });

    await db.migrate.latest(config());
    const records = Object.fromEntries((await db('payment_records').orderBy('id')).map((row) => [row.id, row]));
    expect(records.pay_refunded).toMatchObject({ status: 'refunded', amount_refunded: 1000, charge_status: 'succeeded', dispute_id: null });
    expect(records.pay_overwritten).toMatchObject({ status: 'partially_refunded', amount_refunded: 400, charge_status: 'succeeded' });
    expect(records.pay_disputed).toMatchObject({ status: 'disputed', dispute_id: 'dsp_1', dispute_status: 'lost', dispute_amount_lost: 1000 });
    expect(records.pay_open).toMatchObject({ status: 'requires_capture', amount_refunded: 0, charge_status: 'requires_capture' });
    expect(await db('payments').orderBy('id').pluck('status')).toEqual(['succeeded', 'requires_capture', 'succeeded', 'succeeded']);
    const repaired = await db('payment_events').where({ type: 'payment.record_derived' }).select('payment_id', 'from_status', 'to_status', 'data');
    expect(repaired).toEqual([{ payment_id: 'pay_overwritten', from_status: 'succeeded', to_status: 'partially_refunded', data: { stored_amount_refunded: 0, amount_refunded: 400 } }]);
  });
});
