import type Stripe from 'stripe';
import { syncScheduleId, ensureSyncSchedules } from '../../worker/sync-schedules';
import { recordHistory } from '../support/histories';
import { completeThreeDSecure, resetWebhookSwitches, sandboxStripe, setWebhookSwitches, signStripePayload } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
let stripe: Stripe;

beforeAll(async () => {
  // Long polling, so only a sync can repair what a dropped webhook left behind; schedules opt-in, hourly.
  stack = await TestStack.start({
    timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 },
    syncSchedules: { intervalMinutes: 60, webhookFailureAlertThreshold: 2 },
  });
  stripe = sandboxStripe(stack.sandbox);
});
afterEach(async () => {
  await resetWebhookSwitches(stack.sandbox);
  await fetch(`${stack.sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ key: stack.adminKey });

async function sandboxControl(path: string, method: string, body?: unknown): Promise<any> {
  const response = await fetch(`${stack.sandbox.url}${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Starts a sync over the API and waits for its run to complete. */
async function runSync(body: Record<string, unknown> = { provider: 'stripe' }): Promise<any> {
  const started = await stack.request('POST', '/v1/admin/sync', { body, ...admin() });
  expect(started.status).toBe(202);
  const workflowId = started.body.workflow_id as string;
  return waitFor(async () => {
    const run = await stack.request('GET', `/v1/admin/syncs/${workflowId}`, admin());
    expect(run.status).toBe(200);
    if (run.body.status === 'failed') throw new Error(`sync failed: ${run.body.error}`);
    return run.body.status === 'completed' ? run.body : undefined;
  }, { timeoutMs: 120_000, what: `sync ${workflowId} to complete` });
}

async function paymentByProviderId(providerPaymentId: string): Promise<any[]> {
  return (await stack.request('GET', `/v1/payments?provider_payment_id=${providerPaymentId}&limit=10`)).body.data;
}

const seconds = () => Math.floor(Date.now() / 1000);

describe('provider sync', () => {
  it('imports a payment made outside the engine once, and corrects it later without a workflow', async () => {
    const outside = await stripe.paymentIntents.create({
      amount: 4200, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual',
      description: 'Dashboard order', metadata: { order: 'A-1' },
    });
    expect(outside.status).toBe('requires_capture');

    const first = await runSync();
    expect(first.counts.imported).toBeGreaterThanOrEqual(1);
    const [imported] = await paymentByProviderId(outside.id);
    expect(imported).toMatchObject({ status: 'requires_capture', amount: 4200, currency: 'eur', provider: 'stripe', description: 'Dashboard order' });
    expect(imported.metadata).toMatchObject({ order: 'A-1' });
    const events = await stack.events(imported.id);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'payment.imported', source: 'sync' })]));

    // Captured in the dashboard: the imported payment has no workflow, so the sync corrects its row itself.
    await stripe.paymentIntents.capture(outside.id);
    const second = await runSync();
    expect(second.counts.repaired).toBeGreaterThanOrEqual(1);
    expect(await paymentByProviderId(outside.id)).toHaveLength(1);
    const corrected = await stack.getPayment(imported.id);
    expect(corrected.status).toBe('succeeded');
    expect(corrected.amount_captured).toBe(4200);
    const history = await stack.events(imported.id);
    expect(history.filter((e) => e.type === 'payment.imported')).toHaveLength(1);
    expect(history).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'status_changed', source: 'sync', from_status: 'requires_capture', to_status: 'succeeded' })]));
    await recordHistory(stack.client, second.workflow_id, 'sync-provider-payments-corrected');
  });

  it('repairs a payment whose webhooks were dropped by signalling its workflow, and alerts the admins', async () => {
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(created.body.status).toBe('requires_action');
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    // Succeeded at Stripe, listed in its events, but no webhook came: the engine still waits.
    const sandboxEvents = await stripe.events.list({ limit: 20 });
    expect(sandboxEvents.data.some((event) => event.type === 'payment_intent.succeeded' && (event.data.object as Stripe.PaymentIntent).metadata?.durapay_payment_id === created.body.id)).toBe(true);
    expect((await stack.getPayment(created.body.id)).status).toBe('requires_action');

    const run = await runSync();
    expect(run.counts.repaired).toBeGreaterThanOrEqual(1);
    const repaired = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    expect(repaired.amount_captured).toBe(2500);
    const events = await stack.events(created.body.id);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'status_changed', source: 'sync', to_status: 'succeeded' })]));

    // The alert: recorded once, emailed to the admins, listed, acknowledged (idempotently).
    const alert = await waitFor(async () => {
      const list = await stack.request('GET', '/v1/admin/alerts?acknowledged=false', admin());
      return list.body.data.find((a: any) => a.kind === 'sync_repaired' && a.data.sync_workflow_id === run.workflow_id);
    }, { what: 'the sync_repaired alert' });
    expect(alert).toMatchObject({ severity: 'warning', acknowledged_at: null, data: { provider: 'stripe', window: run.window } });
    const email = await waitFor(async () => stack.mail.messages.find((m) => m.to.includes(stack.adminEmails[0]) && m.text.includes(alert.id)), { what: 'the alert email' });
    expect(email.subject).toContain('stripe sync repaired');
    expect(email.text).toContain(`POST /v1/admin/alerts/${alert.id}/ack`);
    const acked = await stack.request('POST', `/v1/admin/alerts/${alert.id}/ack`, { body: {}, ...admin() });
    expect(acked.status).toBe(200);
    expect(acked.body.acknowledged_at).not.toBeNull();
    expect(acked.body.acknowledged_by).toMatch(/^api_key:admin_/);
    const again = await stack.request('POST', `/v1/admin/alerts/${alert.id}/ack`, { body: {}, ...admin() });
    expect(again.body.acknowledged_at).toBe(acked.body.acknowledged_at);
    const open = await stack.request('GET', '/v1/admin/alerts?acknowledged=false', admin());
    expect(open.body.data.map((a: any) => a.id)).not.toContain(alert.id);
    expect((await stack.request('POST', '/v1/admin/alerts/alr_nope/ack', { body: {}, ...admin() })).status).toBe(404);

    await recordHistory(stack.client, run.workflow_id, 'sync-provider-payments-repaired');
  });

  it('reads more than 100 objects across pages, then resumes a restarted listing from its heartbeat', async () => {
    // A window of its own: start on a fresh second, after everything the earlier tests created.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const from = seconds();
    for (let batch = 0; batch < 13; batch += 1) {
      await Promise.all(Array.from({ length: 10 }, (_, index) =>
        stripe.paymentIntents.create({ amount: 1000 + batch * 10 + index, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { batch: String(batch) } }),
      ));
    }
    const to = seconds() + 2;
    await sandboxControl('/_sandbox/requests', 'DELETE');
    const paged = await runSync({ provider: 'stripe', from, to });
    expect(paged.counts.seen).toBe(130);
    expect(paged.counts.imported).toBe(130);
    const pages = (await sandboxControl('/_sandbox/requests?list=true', 'GET')).data.filter((r: any) => r.path === '/v1/payment_intents');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[1].starting_after).toMatch(/^pi_/);

    // The second page fails once after the first went through: the retried attempt starts at the second page.
    await sandboxControl('/_sandbox/requests', 'DELETE');
    await sandboxControl('/_sandbox/faults', 'POST', { fail_list: { after_pages: 1, count: 1, status: 500 } });
    const resumed = await runSync({ provider: 'stripe', from, to });
    const requests = (await sandboxControl('/_sandbox/requests?list=true', 'GET')).data.filter((r: any) => r.path === '/v1/payment_intents');
    expect(requests.map((r: any) => r.status)).toEqual([200, 500, 200]);
    expect(requests.filter((r: any) => r.starting_after === null)).toHaveLength(1);
    expect(requests[2].starting_after).toBe(requests[1].starting_after);
    // Counted once each: nothing read twice, nothing imported twice.
    expect(resumed.counts).toMatchObject({ seen: 130, imported: 0, unchanged: 130, errors: 0 });
    // 260 objects through the sync on a busy 2-core machine: a generous bound, never a timing assertion.
  }, 240_000);

  it('backs off on 429 with the Retry-After delay and still completes', async () => {
    await sandboxControl('/_sandbox/requests', 'DELETE');
    await sandboxControl('/_sandbox/faults', 'POST', { rate_limit: { count: 2, retry_after: 1 } });
    const run = await runSync({ provider: 'stripe', from: seconds() - 3600, to: seconds() + 1 });
    expect(run.counts.errors).toBe(0);
    const requests = (await sandboxControl('/_sandbox/requests?list=true', 'GET')).data;
    expect(requests.slice(0, 3).map((r: any) => r.status)).toEqual([429, 429, 200]);
    const history = await stack.client.workflow.getHandle(run.workflow_id).fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
    expect(Math.max(...started.map((e) => e.activityTaskStartedEventAttributes!.attempt ?? 1))).toBeGreaterThanOrEqual(3);
  });

  it('verifies non-final PayPal orders one by one: an approval whose payer never came back is captured', async () => {
    await fetch(`${stack.paypal.url}/_sandbox/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deliver: false }) });
    try {
      const created = await stack.createPayment({ amount: 3100, currency: 'eur', provider: 'paypal' });
      expect(created.body.status).toBe('requires_action');
      // Approved on PayPal's page; the browser never follows the redirect back and no webhook arrives.
      const approval = await fetch(created.body.next_action!.redirect_to_url.url, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=approve', redirect: 'manual',
      });
      expect(approval.status).toBeLessThan(400);
      expect((await stack.getPayment(created.body.id)).status).toBe('requires_action');
      const run = await runSync({ provider: 'paypal' });
      expect(run.counts.repaired).toBeGreaterThanOrEqual(1);
      const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
      expect(done.amount_captured).toBe(3100);
      expect(await stack.events(created.body.id)).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'sync', to_status: 'requires_capture' })]));
    } finally {
      await fetch(`${stack.paypal.url}/_sandbox/reset-switches`, { method: 'POST' });
    }
  });

  it('lists recent runs, refuses unknown providers and unknown runs', async () => {
    const list = await stack.request('GET', '/v1/admin/syncs?provider=stripe&limit=3', admin());
    expect(list.status).toBe(200);
    expect(list.body.data.length).toBeGreaterThanOrEqual(3);
    expect(list.body.data[0]).toMatchObject({ object: 'sync_run', provider: 'stripe', status: 'completed', trigger: 'manual' });
    const unknown = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'adyen' }, ...admin() });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', param: 'provider' });
    expect((await stack.request('GET', '/v1/admin/syncs/sync_nope', admin())).status).toBe(404);
    expect((await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe' } })).status).toBe(403);
    const replayKey = `sync-replay-${Date.now()}-key`;
    const once = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe' }, idempotencyKey: replayKey, ...admin() });
    const twice = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe' }, idempotencyKey: replayKey, ...admin() });
    expect(twice.body.workflow_id).toBe(once.body.workflow_id);
  });
});

describe('sync schedules and webhook failure alerts', () => {
  it('creates the schedule at worker start, idempotently, and updates a changed interval', async () => {
    const id = syncScheduleId('stripe', stack.taskQueue);
    expect(stack.syncScheduleIds).toContain(id);
    const described = await stack.client.schedule.getHandle(id).describe();
    expect(described.spec.intervals?.[0].every).toBe(60 * 60 * 1000);
    expect(described.action).toMatchObject({ workflowType: 'syncProviderPayments', taskQueue: stack.taskQueue });

    const options = { providers: ['stripe'], intervalMinutes: 60, taskQueue: stack.taskQueue, webhookFailureAlertThreshold: 2, idSuffix: stack.taskQueue };
    await expect(ensureSyncSchedules(stack.client, options)).resolves.toEqual([id]);
    await ensureSyncSchedules(stack.client, { ...options, intervalMinutes: 30 });
    expect((await stack.client.schedule.getHandle(id).describe()).spec.intervals?.[0].every).toBe(30 * 60 * 1000);
    await ensureSyncSchedules(stack.client, options);
  });

  it('worker/main.ts creates a schedule per configured provider on start', async () => {
    const ids = ['stripe', 'paypal'].map((provider) => syncScheduleId(provider));
    stack.startWorkerProcess({ SYNC_INTERVAL_MINUTES: '45' });
    try {
      for (const id of ids) {
        const described = await waitFor(() => stack.client.schedule.getHandle(id).describe(), { timeoutMs: 30_000, what: `schedule ${id}` });
        expect(described.spec.intervals?.[0].every).toBe(45 * 60 * 1000);
      }
    } finally {
      await stack.killWorkerProcess();
      for (const id of ids) await stack.client.schedule.getHandle(id).delete().catch(() => undefined);
    }
  });

  it('alerts when rejected webhooks exceed the threshold over a scheduled run', async () => {
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { object: 'payment_intent', id: 'pi_forged' } } });
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${stack.apiUrl}/webhooks/stripe`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, 'whsec_wrong_secret') }, body: payload,
      });
      expect(response.status).toBe(401);
    }
    await stack.client.schedule.getHandle(syncScheduleId('stripe', stack.taskQueue)).trigger();
    const alert = await waitFor(async () => {
      const list = await stack.request('GET', '/v1/admin/alerts?acknowledged=false', admin());
      return list.body.data.find((a: any) => a.kind === 'webhook_failures' && a.data.provider === 'stripe');
    }, { timeoutMs: 30_000, what: 'the webhook_failures alert' });
    expect(alert.severity).toBe('critical');
    expect(alert.data.rejected).toBeGreaterThanOrEqual(3);
    const scheduled = await stack.request('GET', '/v1/admin/syncs?provider=stripe&limit=5', admin());
    expect(scheduled.body.data.some((run: any) => run.trigger === 'schedule')).toBe(true);
    await waitFor(async () => stack.mail.messages.find((m) => m.text.includes(alert.id)), { what: 'the webhook alert email' });
  });
});

describe('a dropped webhook without any sync', () => {
  let polling: TestStack;
  beforeAll(async () => {
    polling = await TestStack.start({ timing: { pollInitialSeconds: 1, pollMaxSeconds: 2 } });
  });
  afterAll(async () => {
    await polling?.stop();
  });

  it('is repaired by the payment workflow polling the provider itself', async () => {
    await setWebhookSwitches(polling.sandbox, { deliver: false });
    const created = await polling.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    await polling.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    const events = await polling.events(created.body.id);
    expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'status_changed', source: 'workflow', to_status: 'succeeded' })]));
    expect(await polling.db('webhook_events').where({ payment_id: created.body.id })).toHaveLength(0);
  });
});
