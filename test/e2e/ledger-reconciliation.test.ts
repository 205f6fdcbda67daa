import { randomBytes } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type Stripe from 'stripe';
import { createReconcileActivities } from '../../activities/reconcile-activities';
import { RECONCILE_WORKFLOW_TYPE, type ReconcileLedgerInput, type ReconcileLedgerResult } from '../../workflows/reconcile-definitions';
import { ensureReconcileSchedule } from '../../worker/sync-schedules';
import { recordHistory } from '../support/histories';
import { sandboxStripe } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
let stripe: Stripe;
beforeAll(async () => {
  stack = await TestStack.start();
  stripe = sandboxStripe(stack.sandbox);
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ key: stack.adminKey });
const seconds = () => Math.floor(Date.now() / 1000);

async function reconcile(body: Record<string, unknown>): Promise<{ workflow_id: string; result: ReconcileLedgerResult }> {
  const started = await stack.request('POST', '/v1/admin/ledger/reconcile', { body, ...admin() });
  expect(started.status).toBe(202);
  return waitFor(async () => {
    const run = await stack.request('GET', `/v1/admin/ledger/reconciliations/${started.body.workflow_id}`, admin());
    expect(run.status).toBe(200);
    if (run.body.status === 'failed') throw new Error('reconciliation failed');
    return run.body.status === 'completed' ? run.body : undefined;
  }, { timeoutMs: 120_000, what: 'the reconciliation to complete' });
}

async function sync(window: { from: number; to: number }): Promise<void> {
  const started = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe', ...window }, ...admin() });
  expect(started.status).toBe(202);
  await waitFor(async () => ((await stack.request('GET', `/v1/admin/syncs/${started.body.workflow_id}`, admin())).body.status === 'completed' ? true : undefined), {
    timeoutMs: 120_000, what: 'the sync to complete',
  });
}

describe('ledger reconciliation', () => {
  it('finds a refund made only at the provider, alerts once, and agrees again once sync imports it', async () => {
    const window = { from: seconds() - 60, to: seconds() + 600 };
    const paid = await stack.createPayment({ amount: 2000, payment_method: 'pm_card_visa' });
    expect(paid.body.status).toBe('succeeded');
    // Its bookkeeping follows the answer; until it is done, reconciliation leaves the payment for the next run.
    await stack.waitForWorkflowClosed(paid.body.id);
    // Planted at the provider only, as if someone refunded from the Stripe dashboard.
    await stripe.refunds.create({ payment_intent: paid.body.provider_payment_id!, amount: 700 });

    const found = await reconcile(window);
    const planted = {
      payment_id: paid.body.id, provider: 'stripe', provider_payment_id: paid.body.provider_payment_id, currency: 'eur',
      figure: 'refunded', ledger: 0, payments: 0, provider_figure: 700,
    };
    expect(found.result.differences).toContainEqual(planted);
    expect(found.result.checked.provider_payments).toMatchObject({ stripe: expect.any(Number), paypal: null });
    const alerts = (await stack.request('GET', '/v1/admin/alerts?acknowledged=false&limit=100', admin())).body.data;
    const alert = alerts.find((candidate: { id: string }) => candidate.id === found.result.alert_id);
    // The alert lists the first 20 differences; other test files' payments share this database and its window.
    expect(alert).toMatchObject({ kind: 'ledger_mismatch', severity: 'critical', data: expect.objectContaining({ difference_count: found.result.differences.length }) });
    if (found.result.differences.length <= 20) expect(alert.data.differences).toContainEqual(planted);
    await recordHistory(stack.client, found.workflow_id, 'reconcile-ledger-difference');

    // The same differences found again are the same alert, not a new one.
    const again = await reconcile(window);
    expect(again.result.alert_id).toBe(found.result.alert_id);

    await sync(window);
    const agreed = await reconcile(window);
    expect(agreed.result.differences.filter((difference) => difference.payment_id === paid.body.id)).toEqual([]);
    const payment = await stack.getPayment(paid.body.id);
    expect(payment).toMatchObject({ amount_captured: 2000, amount_refunded: 700, status: 'partially_refunded' });
   }, 240_000);

  it('leaves a payment whose bookkeeping is under way for the next run, for an hour at most, and reports it once that is done', async () => {
    // A succeeded payment as its answered save leaves it: no ledger entry yet, bookkeeping_due set. Kuna, which no
    // other file pays in; removed at the end, so no later run finds it.
    const id = `pay_due_${randomBytes(6).toString('hex')}`;
    const now = new Date();
    await stack.db('payments').insert({
      id, status: 'succeeded', amount: 700, amount_captured: 700, currency: 'hrk', capture_method: 'automatic', provider: 'stripe',
      payment_method_type: 'card', provider_payment_id: `pi_${id}`, bookkeeping_due: true, created_at: now, updated_at: now,
    });
    const activities = createReconcileActivities({ db: stack.db, providers: stack.providers() });
    const window = { from: seconds() - 60, to: seconds() + 600 };
    const differencesFor = (differences: Array<{ payment_id: string | null }>) => differences.filter((difference) => difference.payment_id === id);
    // The provider comparison heartbeats its listing: it runs in an activity's context.
    const compareWithProvider = async () => (await new MockActivityEnvironment().run(activities.compareLedgerWithProvider, { provider: 'stripe', window }) as Awaited<ReturnType<typeof activities.compareLedgerWithProvider>>).differences;
    try {
      const local = await activities.compareLedgerWithPayments();
      expect(differencesFor(local.differences)).toEqual([]);
      expect(local.totals.find((total) => total.currency === 'hrk')).toBeUndefined();
      expect(differencesFor(await compareWithProvider())).toEqual([]);
      // Still due an hour after its last change (its workflow terminated by hand, say): compared like any other.
      await stack.db('payments').where({ id }).update({ updated_at: new Date(Date.now() - 2 * 3600_000) });
      expect(differencesFor((await activities.compareLedgerWithPayments()).differences)).toEqual([expect.objectContaining({ figure: 'captured', ledger: 0, payments: 700 })]);
      // Were the bookkeeping done and the ledger still empty, that is a difference.
      await stack.db('payments').where({ id }).update({ bookkeeping_due: false, updated_at: now });
      expect(differencesFor((await activities.compareLedgerWithPayments()).differences)).toEqual([expect.objectContaining({ figure: 'captured', ledger: 0, payments: 700 })]);
      expect(differencesFor(await compareWithProvider()).length).toBeGreaterThan(0);
    } finally {
      await stack.db('payments').where({ id }).delete();
    }
  });

  it("keeps every account's balance equal to the payments' own figures", async () => {
    const balances = (await stack.request('GET', '/v1/admin/ledger/balances', admin())).body.data as Array<{ account: string; currency: string; balance: number }>;
    const balance = (account: string) => balances.find((row) => row.account === account && row.currency === 'eur')?.balance ?? 0;
    const { rows: [totals] } = await stack.db.raw(`select sum(amount_captured) as captured, sum(amount_refunded) as refunded from payments where currency = 'eur'`);
    expect(balance('revenue')).toBe(Number(totals.captured));
    expect(balance('refunds')).toBe(Number(totals.refunded));
  });

  it('counts failed and successful attempts over a window of payment history', async () => {
    // Synthetic history far from now, so other tests' payments don't count.
    const id = `pay_failrate_${randomBytes(6).toString('hex')}`;
    const at = (minute: number) => new Date(Date.UTC(2031, 0, 1, 0, minute));
    await stack.db('payments').insert({ id, status: 'failed', amount: 100, currency: 'eur', capture_method: 'automatic', provider: 'stripe', created_at: at(0), updated_at: at(0) });
    const events = [
      ['pending', 'failed'], ['pending', 'failed'], ['pending', 'succeeded'], ['pending', 'requires_capture'], ['requires_capture', 'succeeded'], ['disputed', 'succeeded'], ['processing', 'succeeded'],
    ].map(([from, to], index) => ({
      payment_id: id, dedupe_key: `${id}:${index}`, type: 'status_changed', from_status: from, to_status: to, source: 'workflow', actor: 'test', data: '{}', occurred_at: at(index + 1),
    }));
    await stack.db('payment_events').insert(events);
    const activities = createReconcileActivities({ db: stack.db, providers: stack.providers() });
    expect(await activities.countPaymentOutcomes({ fromMs: at(0).getTime(), toMs: at(30).getTime() })).toEqual({ attempts: 5, failed: 2 });
    expect(await activities.countPaymentOutcomes({ fromMs: at(3).getTime(), toMs: at(30).getTime() })).toEqual({ attempts: 3, failed: 0 });
  });

  it('raises the failure-rate alert once per window', async () => {
    const declined = await stack.createPayment({ amount: 900, payment_method: 'pm_card_chargeDeclined' });
    expect(declined.body.status).toBe('failed');
    // A window of about two years and a threshold any failure exceeds: both runs fall in the same window.
    const input: ReconcileLedgerInput = { trigger: 'manual', providers: [], failureRateAlert: { percent: 0.000001, windowMinutes: 1_000_000, minAttempts: 1 } };
    const run = () => stack.client.workflow.execute(RECONCILE_WORKFLOW_TYPE, { taskQueue: stack.taskQueue, workflowId: `reconcile-test-${randomBytes(6).toString('hex')}`, args: [input] });
    await run();
    await run();
    const alerts = (await stack.request('GET', '/v1/admin/alerts?limit=100', admin())).body.data.filter((alert: { kind: string; data: { window_minutes?: number } }) => alert.kind === 'failure_rate' && alert.data.window_minutes === 1_000_000);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].message).toMatch(/payment attempts failed in the last 1000000 minutes/);
  });

  it('runs on a Temporal Schedule with the failure-rate settings', async () => {
    const failureRateAlert = { percent: 10, windowMinutes: 15, minAttempts: 20 };
    const id = await ensureReconcileSchedule(stack.client, { providers: ['stripe'], intervalMinutes: 60, taskQueue: stack.taskQueue, failureRateAlert, idSuffix: stack.taskQueue });
    try {
      const schedule = await stack.client.schedule.getHandle(id).describe();
      expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: RECONCILE_WORKFLOW_TYPE, taskQueue: stack.taskQueue, args: [{ trigger: 'schedule', providers: ['stripe'], failureRateAlert }] });
      expect(schedule.spec.intervals?.[0].every).toBe(3_600_000);
    } finally {
      await stack.client.schedule.getHandle(id).delete();
    }
  });
});
