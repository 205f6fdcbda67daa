import { Connection, Client } from '@temporalio/client';
import { bookPayment } from '../../activities/payment-record-writer';
import { startApiServer } from '../../api/server';
import { createLogger } from '../../platform/logger';
import { createProviders } from '../../providers/registry';
import { completeThreeDSecure, resetWebhookSwitches, sandboxStripe, setWebhookSwitches, signStripePayload } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';
import { recordHistory } from '../support/histories';

let stack: TestStack;
beforeAll(async () => {
  // Long polling, so only webhooks can move these payments.
  stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
});
afterEach(async () => {
  await resetWebhookSwitches(stack.sandbox);
});
afterAll(async () => {
  await stack?.stop();
});

async function approvedThreeDSecurePayment(): Promise<string> {
  const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
  expect(created.body.status).toBe('requires_action');
  await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
  return created.body.id;
}

describe('Stripe webhooks', () => {
  it('refuses a bad signature with 401 and stores nothing', async () => {
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'payment_intent.succeeded', created: 1, data: { object: { object: 'payment_intent', id: 'pi_forged' } } });
    const response = await fetch(`${stack.apiUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, 'whsec_wrong_secret') },
      body: payload,
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).error.code).toBe('webhook_signature_invalid');
    const unsigned = await fetch(`${stack.apiUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    expect(unsigned.status).toBe(401);
    expect(await stack.db('webhook_events').where({ event_id: 'evt_forged' }).first()).toBeUndefined();
  });

  it('applies duplicated webhooks once and records the duplicates', async () => {
    await setWebhookSwitches(stack.sandbox, { duplicate: true });
    const id = await approvedThreeDSecurePayment();
    await stack.waitForPayment(id, (p) => p.status === 'succeeded');
    const events = await waitFor(async () => {
      const all = await stack.events(id);
      return all.some((e) => e.data.reason === 'duplicate') ? all : undefined;
    }, { what: 'a duplicate recorded in the history' });
    expect(events.filter((e) => e.type === 'status_changed' && e.to_status === 'succeeded')).toHaveLength(1);
    const stored = await stack.db('webhook_events').where({ payment_id: id, type: 'payment_intent.succeeded' });
    expect(stored).toHaveLength(1);
    await waitFor(async () => ((await stack.db('webhook_events').where({ id: stored[0].id }).first()).delivery_count === 2 ? true : undefined), { what: 'the second delivery to be counted' });
    await recordHistory(stack.client, id, 'take-payment-duplicate-webhooks');
  });

  it('ends in the right status when webhooks arrive in reverse order', async () => {
    await setWebhookSwitches(stack.sandbox, { reorder: true });
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired', capture_method: 'manual' });
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    const authorized = await stack.waitForPayment(created.body.id, (p) => p.status === 'requires_capture');
    expect(authorized.amount_captured).toBe(0);
    const captured = await stack.request('POST', `/v1/payments/${created.body.id}/capture`, { body: {} });
    expect(captured.body.status).toBe('succeeded');
    // Every webhook of this payment ends up processed, whatever order it came in.
    await waitFor(async () => {
      const rows = await stack.db('webhook_events').where({ payment_id: created.body.id });
      return rows.length >= 3 && rows.every((row) => row.processed_at !== null) ? rows : undefined;
    }, { what: 'all webhooks processed' });
    const events = await stack.events(created.body.id);
    const transitions = events.filter((e) => e.type === 'status_changed').map((e) => e.to_status);
    expect(transitions).toEqual(['requires_action', 'requires_capture', 'succeeded']);
    expect((await stack.getPayment(created.body.id)).status).toBe('succeeded');
  });

  it('records a webhook that arrives after the payment finished, changing nothing', async () => {
    await setWebhookSwitches(stack.sandbox, { delay_ms: 1500 });
    const created = await stack.createPayment({ payment_method: 'pm_card_visa' });
    expect(created.body.status).toBe('succeeded');
    await stack.waitForWorkflowClosed(created.body.id);
    const events = await waitFor(async () => {
      const all = await stack.events(created.body.id);
      const seen = all.map((e) => `${e.data.provider_event_type}:${e.data.reason}`);
      return seen.includes('payment_intent.created:earlier_state') && seen.includes('payment_intent.succeeded:already_applied') ? all : undefined;
    }, { what: 'the late webhooks in the history' });
    // The intent's creation, seen after the fact: what the payment was before it succeeded; its success once more:
    // what the payment already is. Both noted by the API without waking or starting a workflow.
    expect(events.filter((e) => e.data.reason === 'already_applied').map((e) => e.type)).toEqual(expect.arrayContaining(['provider_event.ignored']));
    expect(events.filter((e) => e.type === 'status_changed')).toHaveLength(1);
    expect((await stack.getPayment(created.body.id)).status).toBe('succeeded');
    // The API recorded it itself: a late event that changes nothing starts no workflow.
    const late = events.find((e) => e.data.reason === 'earlier_state')!;
    const stored = await stack.db('webhook_events').where({ provider: 'stripe', event_id: late.data.provider_event_id }).first();
    expect(stored.processed_at).not.toBeNull();
    const started = await stack.client.workflow.count(`WorkflowType = 'recordLateProviderEvent' AND DurapayPaymentId = '${created.body.id}'`);
    expect(started.count).toBe(0);
  });

  it('notes a webhook that can move the payment nowhere without waking its workflow', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(created.body.status).toBe('requires_action');
    // The intent's creation snapshot (pending, nothing captured): whatever the workflow has done since, it can't apply it.
    const events = await waitFor(async () => {
      const all = await stack.events(created.body.id);
      return all.some((e) => e.data.provider_event_type === 'payment_intent.created') ? all : undefined;
    }, { what: 'the creation webhook in the history' });
    const line = events.find((e) => e.data.provider_event_type === 'payment_intent.created')!;
    expect(line).toMatchObject({ type: 'provider_event.ignored', source: 'webhook', data: { reason: 'no_news', observed_status: 'pending' } });
    const stored = await stack.db('webhook_events').where({ provider: 'stripe', event_id: line.data.provider_event_id }).first();
    expect(stored.processed_at).not.toBeNull();
    const history = await stack.client.workflow.getHandle(created.body.id).fetchHistory();
    const signals = (history.events ?? []).flatMap((e) => e.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []);
    expect(signals.map((payload) => Buffer.from(payload.data ?? []).toString()).filter((json) => json.includes(line.data.provider_event_id))).toEqual([]);
    expect((await stack.request('POST', `/v1/payments/${created.body.id}/cancel`, { body: {} })).status).toBe(200);
  });

  it('answers once the event is stored, before it reaches the workflow', async () => {
    // This API's hand-offs wait at a gate the test opens: the answer must not.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = new Client({
      connection: stack.client.connection as Connection, namespace: 'default',
      interceptors: { workflow: [{ signal: async (input, next) => { await gate; return next(input); } }] },
    });
    const api = await startApiServer(
      {
        db: stack.db, client: gated, connection: stack.client.connection as Connection, log: createLogger('api', 'silent'),
        providers: createProviders({ stripe: { secretKey: 'sk_test_x', webhookSecret: stack.webhookSecret, apiBase: stack.sandbox.url } }),
        taskQueue: stack.taskQueue, timing: stack.timing, returnUrl: 'http://127.0.0.1/return', keys: {},
        refunds: stack.refunds, adminEmails: [], publicUrl: 'http://127.0.0.1:1', offline: stack.offline,
      },
      { host: '127.0.0.1', port: 0, relayIntervalMs: 3_600_000 },
    );
    try {
      const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
      expect(created.body.status).toBe('requires_action');
      const intent = await fetch(`${stack.sandbox.url}/v1/payment_intents/${created.body.provider_payment_id}`, { headers: { authorization: 'Bearer sk_test_durapay_sandbox' } }).then((r) => r.json());
      const eventId = `evt_gated_${created.body.id}`;
      const payload = JSON.stringify({ id: eventId, object: 'event', type: 'payment_intent.requires_action', created: Math.floor(Date.now() / 1000), data: { object: intent } });
      const answer = await fetch(`${api.url}/webhooks/stripe`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, stack.webhookSecret) }, body: payload,
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ received: true, duplicate: false });
      const stored = await stack.db('webhook_events').where({ provider: 'stripe', event_id: eventId }).first();
      expect(stored.signaled_at).toBeNull();
      open();
      const processed = await waitFor(async () => {
        const row = await stack.db('webhook_events').where({ id: stored.id }).first();
        return row.processed_at ? row : undefined;
      }, { what: 'the event applied by the workflow' });
      expect(processed.signaled_at).not.toBeNull();
      expect(processed.delivery_count).toBe(1);
      const events = await stack.events(created.body.id);
      expect(events.filter((e) => e.data.provider_event_id === eventId)).toHaveLength(1);
    } finally {
      open();
      await api.close();
    }
  });

  it('holds a webhook about a payment still being created, and notes it once the outcome is stored', async () => {
    // A payment as its workflow leaves it mid-creation (stored pending, no provider answer yet), and the provider's
    // real intent for it, in kroner, which no other file pays in.
    const paymentId = `pay_held_${Date.now().toString(36)}`;
    const now = new Date();
    await stack.db('payments').insert({
      id: paymentId, status: 'pending', amount: 1500, currency: 'nok', capture_method: 'automatic', amount_captured: 0, provider: 'stripe',
      payment_method_type: 'card', created_at: now, updated_at: now,
    });
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    const intent = await sandboxStripe(stack.sandbox).paymentIntents.create({
      amount: 1500, currency: 'nok', payment_method: 'pm_card_visa', confirm: true, metadata: { durapay_payment_id: paymentId },
    });
    expect(intent.status).toBe('succeeded');
    const api = await startApiServer(
      {
        db: stack.db, client: stack.client, connection: stack.client.connection as Connection, log: createLogger('api', 'silent'),
        providers: createProviders({ stripe: { secretKey: 'sk_test_x', webhookSecret: stack.webhookSecret, apiBase: stack.sandbox.url } }),
        taskQueue: stack.taskQueue, timing: stack.timing, returnUrl: 'http://127.0.0.1/return', keys: {},
        refunds: stack.refunds, adminEmails: [], publicUrl: 'http://127.0.0.1:1', offline: stack.offline, webhookHoldMs: 5_000,
      },
      { host: '127.0.0.1', port: 0, relayIntervalMs: 3_600_000 },
    );
    try {
      const eventId = `evt_held_${paymentId}`;
      const payload = JSON.stringify({ id: eventId, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000), data: { object: intent } });
      const answer = await fetch(`${api.url}/webhooks/stripe`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, stack.webhookSecret) }, body: payload,
      });
      expect(answer.status).toBe(200);
      // The workflow stores the provider's answer (here, the test in its place): the held event finds it stored.
      await stack.db('payments').where({ id: paymentId }).update({ status: 'succeeded', amount_captured: 1500, provider_payment_id: intent.id, state_version: 2 });
      const line = await waitFor(async () => (await stack.events(paymentId)).find((e) => e.data.provider_event_id === eventId), { what: 'the held event in the history' });
      // Handed over at once, it would have gone to the (here absent) workflow and been recorded after_final.
      expect(line).toMatchObject({ type: 'provider_event.ignored', source: 'webhook', data: { reason: 'already_applied', observed_status: 'succeeded' } });
      const stored = await stack.db('webhook_events').where({ provider: 'stripe', event_id: eventId }).first();
      expect(stored.signaled_at).not.toBeNull();
    } finally {
      // What the workflow does after its answer: the ledger agrees with this payment for the files that check it.
      await bookPayment(stack.db, paymentId);
      await api.close();
    }
  });

  it('keeps a webhook when Temporal is unreachable and applies it later', async () => {
    // A second API whose Temporal is a closed port: it must store the event and answer 2xx.
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 });
    const cutOff = await startApiServer(
      {
        db: stack.db, client: new Client({ connection: deadConnection }), connection: deadConnection, log: createLogger('api', 'silent'),
        providers: createProviders({ stripe: { secretKey: 'sk_test_x', webhookSecret: stack.webhookSecret, apiBase: stack.sandbox.url } }),
        taskQueue: stack.taskQueue, timing: stack.timing, returnUrl: 'http://127.0.0.1/return', keys: {},
        refunds: stack.refunds, adminEmails: [], publicUrl: 'http://127.0.0.1:1', offline: stack.offline,
      },
      { host: '127.0.0.1', port: 0, relayIntervalMs: 3_600_000 },
    );
    try {
      stack.sandbox.setWebhookUrl(`${cutOff.url}/webhooks/stripe`);
      const id = await approvedThreeDSecurePayment();
      const stored = await waitFor(async () => stack.db('webhook_events').where({ payment_id: id, type: 'payment_intent.succeeded' }).first(), { what: 'the stored webhook' });
      expect(stored.signaled_at).toBeNull();
      // The healthy API's relay hands it to the workflow.
      const done = await stack.waitForPayment(id, (p) => p.status === 'succeeded');
      expect(done.status).toBe('succeeded');
    } finally {
      stack.sandbox.setWebhookUrl(`${stack.apiUrl}/webhooks/stripe`);
      await cutOff.close();
    }
  });
});
