import { DurapaySignatureError, verifyDurapayWebhook } from '../../client/webhook-signature';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';
import { type ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';

let stack: TestStack;
let receiver: WebhookReceiver;
const endpointsMade: string[] = [];

beforeAll(async () => {
  // Two retries a second apart: a delivery uses up its schedule (and may disable its endpoint) within seconds.
  stack = await TestStack.start({ webhookRetryDelaysSeconds: [1, 1] });
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  // The database outlives this file: later files' events must not be queued for these receivers.
  for (const id of endpointsMade) await stack?.request('DELETE', `/v1/webhook-endpoints/${id}`);
  await stack?.stop();
  await receiver?.close();
});

async function createEndpoint(path: string, enabledEvents: string[]): Promise<{ id: string; secret: string }> {
  const created = await stack.request('POST', '/v1/webhook-endpoints', { body: { url: `${receiver.url}${path}`, enabled_events: enabledEvents, description: path } });
  expect(created.status).toBe(201);
  endpointsMade.push(created.body.id);
  return created.body;
}

async function paidPayment(): Promise<string> {
  const created = await stack.createPayment({ amount: 1500, currency: 'eur', payment_method: 'pm_card_visa' });
  expect(created.status).toBe(201);
  return created.body.id;
}

const about = (objectId: string, type?: string) => (hook: ReceivedWebhook) => hook.event.data.object.id === objectId && (!type || hook.event.type === type);

async function deliveriesOf(endpointId: string, eventId?: string): Promise<any[]> {
  const listed = await stack.request('GET', `/v1/webhook-endpoints/${endpointId}/deliveries${eventId ? `?event_id=${eventId}` : ''}`);
  expect(listed.status).toBe(200);
  return listed.body.data;
}

describe('webhook endpoints', () => {
  it('shows the secret once, validates the URL and event types, and lists endpoints', async () => {
    const endpoint = await createEndpoint('/listing', ['payment.succeeded', 'refund.succeeded']);
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', enabled_events: ['payment.succeeded', 'refund.succeeded'], url: `${receiver.url}/listing` });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.secret).toMatch(/^whsec_/);

    const read = await stack.request('GET', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('secret');
    const listed = await stack.request('GET', '/v1/webhook-endpoints?limit=100');
    expect(listed.body.data.map((e: { id: string }) => e.id)).toContain(endpoint.id);
    expect(listed.body.data.every((e: object) => !('secret' in e))).toBe(true);

    for (const [body, param] of [
      [{ url: 'ftp://example.test/hook', enabled_events: ['*'] }, 'url'],
      [{ url: 'file:///etc/passwd', enabled_events: ['*'] }, 'url'],
      [{ url: `${receiver.url}/x`, enabled_events: ['payment.exploded'] }, 'enabled_events.0'],
      [{ url: `${receiver.url}/x`, enabled_events: [] }, 'enabled_events'],
    ] as const) {
      const refused = await stack.request('POST', '/v1/webhook-endpoints', { body });
      expect(refused.status).toBe(400);
      expect(refused.body.error.param).toBe(param);
    }
    expect((await stack.request('GET', '/v1/webhook-endpoints/we_nope')).status).toBe(404);
    const deleted = await stack.request('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    expect(deleted.body).toEqual({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
    expect((await stack.request('GET', `/v1/webhook-endpoints/${endpoint.id}`)).status).toBe(404);
  });
});

describe('events and their delivery', () => {
  it('delivers signed events, the same as the events API shows them', async () => {
    const endpoint = await createEndpoint('/signed', ['*']);
    const paymentId = await paidPayment();
    const [created] = await receiver.waitFor('/signed', about(paymentId, 'payment.created'));
    const [succeeded] = await receiver.waitFor('/signed', about(paymentId, 'payment.succeeded'));

    for (const hook of [created, succeeded]) {
      const event = verifyDurapayWebhook(hook.rawBody, hook.headers['durapay-signature'], endpoint.secret);
      expect(hook.headers['durapay-event-id']).toBe(event.id);
      expect(hook.headers['content-type']).toMatch(/^application\/json/);
      expect(() => verifyDurapayWebhook(hook.rawBody, hook.headers['durapay-signature'], 'whsec_wrong')).toThrow(DurapaySignatureError);
      const tampered = hook.rawBody.replace('"amount":1500', '"amount":1');
      expect(() => verifyDurapayWebhook(tampered, hook.headers['durapay-signature'], endpoint.secret)).toThrow(DurapaySignatureError);
    }
    expect(succeeded.event).toMatchObject({ object: 'event', type: 'payment.succeeded', data: { object: { id: paymentId, object: 'payment', status: 'succeeded', amount: 1500 } } });
    expect(succeeded.event.id).toMatch(/^evt_/);

    const one = await stack.request('GET', `/v1/events/${succeeded.event.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(succeeded.event);
    const listed = await stack.request('GET', '/v1/events?type=payment.succeeded&limit=100');
    expect(listed.body).toMatchObject({ object: 'list' });
    expect(listed.body.data.map((e: { id: string }) => e.id)).toContain(succeeded.event.id);
    expect(listed.body.data.every((e: { type: string }) => e.type === 'payment.succeeded')).toBe(true);
    // Newest first: this payment's events come succeeded, then created.
    const all = await stack.request('GET', '/v1/events?limit=100');
    const mine = all.body.data.filter((e: any) => e.data.object.id === paymentId).map((e: any) => e.type);
    expect(mine).toEqual(['payment.succeeded', 'payment.created']);
    const next = await stack.request('GET', `/v1/events?limit=1&starting_after=${all.body.data[0].id}`);
    expect(next.body.data[0].id).toBe(all.body.data[1].id);
  });

  it('retries a 500 with the same event id and marks the delivery delivered once', async () => {
    const endpoint = await createEndpoint('/flaky', ['payment.succeeded']);
    receiver.answer('/flaky', [500, 500]);
    const paymentId = await paidPayment();
    const hooks = await receiver.waitFor('/flaky', about(paymentId), 3);
    expect(new Set(hooks.map((hook) => hook.event.id)).size).toBe(1);
    expect(hooks.map((hook) => hook.headers['durapay-event-id'])).toEqual([hooks[0].event.id, hooks[0].event.id, hooks[0].event.id]);

    const [delivery] = await deliveriesOf(endpoint.id, hooks[0].event.id);
    await stack.waitForWorkflowClosed(delivery.id);
    await recordHistory(stack.client, delivery.id, 'deliver-webhook-retried-own-queue');
    const [done] = await deliveriesOf(endpoint.id, hooks[0].event.id);
    expect(done).toMatchObject({ object: 'webhook_delivery', status: 'delivered', attempt_count: 3, last_status_code: 200, next_retry_at: null, event_type: 'payment.succeeded' });
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(done.delivered_at).toEqual(expect.any(String));
    expect(receiver.at('/flaky', about(paymentId))).toHaveLength(3);
  });

  it('signs with both secrets while a rotated one overlaps, then with the new one only', async () => {
    const endpoint = await createEndpoint('/rotating', ['payment.succeeded']);
    const rotated = await stack.request('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { body: {} });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.body.previous_secret_expires_at)).toBeGreaterThan(Date.now());

    const during = await receiver.waitFor('/rotating', about(await paidPayment()));
    expect(during[0].headers['durapay-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    for (const secret of [endpoint.secret, rotated.body.secret]) verifyDurapayWebhook(during[0].rawBody, during[0].headers['durapay-signature'], secret);

    const ended = await stack.request('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { body: { previous_secret_expires_in: 0 } });
    const after = await receiver.waitFor('/rotating', about(await paidPayment()));
    verifyDurapayWebhook(after[0].rawBody, after[0].headers['durapay-signature'], ended.body.secret);
    for (const old of [endpoint.secret, rotated.body.secret]) {
      expect(() => verifyDurapayWebhook(after[0].rawBody, after[0].headers['durapay-signature'], old)).toThrow(DurapaySignatureError);
    }
  });

  it('disables an endpoint that fails for the whole schedule, alerts the operator, sends nothing more until enabled, and redelivers on request', async () => {
    const failing = await createEndpoint('/down', ['payment.succeeded']);
    await createEndpoint('/up', ['payment.succeeded']);
    receiver.answer('/down', [500, 502, 503]);
    const first = await paidPayment();
    const attempts = await receiver.waitFor('/down', about(first), 3);
    const eventId = attempts[0].event.id;

    const disabled = await waitFor(async () => {
      const read = await stack.request('GET', `/v1/webhook-endpoints/${failing.id}`);
      return read.body.status === 'disabled' ? read.body : undefined;
    }, { what: 'the failing endpoint to be disabled' });
    expect(disabled.disabled_reason).toBe('failing');
    const [delivery] = await deliveriesOf(failing.id, eventId);
    expect(delivery).toMatchObject({ status: 'failed', attempt_count: 3, last_status_code: 503, next_retry_at: null, delivered_at: null });
    // The alert is raised just after the endpoint is disabled (its own activity).
    const alert = await waitFor(async () => {
      const alerts = await stack.request('GET', '/v1/admin/alerts?acknowledged=false&limit=100', { key: stack.adminKey });
      return alerts.body.data.find((a: any) => a.kind === 'webhook_endpoint_disabled' && a.data.endpoint_id === failing.id);
    }, { what: 'the endpoint-disabled alert' });
    expect(alert).toMatchObject({ severity: 'warning', data: { url: `${receiver.url}/down` } });
    await stack.mail.waitFor((m) => m.to.includes(stack.adminEmails[0]) && m.text.includes(failing.id));

    const second = await paidPayment();
    await receiver.waitFor('/up', about(second, 'payment.succeeded'));
    const secondEvent = receiver.at('/up', about(second))[0].event.id;
    expect(await deliveriesOf(failing.id, secondEvent)).toEqual([]);
    expect(receiver.at('/down', about(second))).toEqual([]);

    const refused = await stack.request('POST', `/v1/events/${eventId}/redeliver`, { body: { endpoint_id: failing.id } });
    expect(refused.status).toBe(409);
    const enabled = await stack.request('POST', `/v1/webhook-endpoints/${failing.id}`, { body: { status: 'enabled' } });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null });
    const redelivered = await stack.request('POST', `/v1/events/${eventId}/redeliver`, { body: { endpoint_id: failing.id } });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.id).toBe(delivery.id);
    const fourth = await receiver.waitFor('/down', about(first), 4);
    expect(fourth[3].event.id).toBe(eventId);
    const after = await waitFor(async () => {
      const [row] = await deliveriesOf(failing.id, eventId);
      return row.status === 'delivered' ? row : undefined;
    }, { what: 'the redelivery to be recorded' });
    expect(after.attempts.map((a: any) => [a.status_code, a.redelivery])).toEqual([[500, false], [502, false], [503, false], [200, true]]);
  });

  it('records refund events: pending review, approved, succeeded', async () => {
    const endpoint = await createEndpoint('/refunds', ['refund.pending_review', 'refund.approved', 'refund.succeeded']);
    const paymentId = await paidPayment();
    const requested = await stack.request('POST', `/v1/payments/${paymentId}/refunds`, { body: { reason: 'requested_by_customer' } });
    expect(requested.status).toBe(202);
    const refundId = requested.body.id;
    await receiver.waitFor('/refunds', about(refundId, 'refund.pending_review'));
    expect((await stack.request('POST', `/v1/refunds/${refundId}/approve`, { body: { reason: 'ok' }, key: stack.adminKey })).status).toBe(200);
    await receiver.waitFor('/refunds', about(refundId, 'refund.succeeded'));
    const types = receiver.at('/refunds', about(refundId)).map((hook) => hook.event.type).sort();
    expect(types).toEqual(['refund.approved', 'refund.pending_review', 'refund.succeeded']);
    const succeeded = receiver.at('/refunds', about(refundId, 'refund.succeeded'))[0];
    expect(succeeded.event.data.object).toMatchObject({ object: 'refund', payment_id: paymentId, status: 'succeeded' });
    verifyDurapayWebhook(succeeded.rawBody, succeeded.headers['durapay-signature'], endpoint.secret);
    expect(receiver.at('/refunds', (hook) => hook.event.type.startsWith('payment.'))).toEqual([]);
  });

  it('records a declined payment as payment.failed, and a dispute opened then lost', async () => {
    await createEndpoint('/outcomes', ['payment.failed', 'dispute.opened', 'dispute.won', 'dispute.lost']);
    const declined = await stack.createPayment({ amount: 1500, currency: 'eur', payment_method: 'pm_card_chargeDeclined' });
    expect(declined.body.status).toBe('failed');
    const [failed] = await receiver.waitFor('/outcomes', about(declined.body.id, 'payment.failed'));
    expect(failed.event.data.object).toMatchObject({ status: 'failed', failure_code: 'card_declined', attempt_count: 1 });

    const disputed = await stack.createPayment({ amount: 2500, currency: 'eur', payment_method: 'pm_card_createDispute' });
    const opened = await receiver.waitFor('/outcomes', (hook) => hook.event.type === 'dispute.opened' && hook.event.data.object.payment_id === disputed.body.id);
    const dispute = opened[0].event.data.object;
    expect(dispute).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 2500 });
    const closed = await fetch(`${stack.sandbox.url}/_sandbox/disputes/${dispute.provider_dispute_id}/close`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'lost' }),
    });
    expect(closed.status).toBe(200);
    const [lost] = await receiver.waitFor('/outcomes', about(dispute.id, 'dispute.lost'));
    expect(lost.event.data.object).toMatchObject({ status: 'lost', amount_lost: 2500 });
    expect(receiver.at('/outcomes', about(dispute.id)).map((hook) => hook.event.type)).toEqual(['dispute.opened', 'dispute.lost']);
  });
});
