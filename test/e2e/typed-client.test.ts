import { randomUUID } from 'node:crypto';
import {
  createDurapayClient, deleteV1WebhookEndpointsId, getV1Events, getV1EventsId, getV1PaymentsId, postV1Payments, postV1WebhookEndpoints,
  verifyDurapayWebhook,
} from '../../client';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

let stack: TestStack;
let receiver: WebhookReceiver;
beforeAll(async () => {
  stack = await TestStack.start();
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('the generated TypeScript client', () => {
  it('creates a payment, reads it, lists its events, and verifies the webhook it caused', async () => {
    const durapay = createDurapayClient({ baseUrl: stack.apiUrl, apiKey: stack.merchantKey });
    const endpoint = await postV1WebhookEndpoints({
      client: durapay, throwOnError: true, headers: { 'Idempotency-Key': randomUUID() },
      body: { url: `${receiver.url}/typed`, enabled_events: ['payment.succeeded'] },
    });
    expect(endpoint.response.status).toBe(201);

    const created = await postV1Payments({
      client: durapay, throwOnError: true, headers: { 'Idempotency-Key': randomUUID() },
      body: { amount: 4200, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'automatic', description: 'typed client' },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ object: 'payment', amount: 4200, currency: 'eur' });
    const paymentId = created.data.id;

    const read = await getV1PaymentsId({ client: durapay, throwOnError: true, path: { id: paymentId } });
    expect(read.data).toMatchObject({ id: paymentId, status: 'succeeded', amount_captured: 4200 });

    // Events are recorded by the step that follows the answer, as their webhooks are sent: a moment later.
    const event = await waitFor(async () => {
      const listed = await getV1Events({ client: durapay, throwOnError: true, query: { type: 'payment.succeeded', limit: 100 } });
      return listed.data.data.find((e) => e.data.object.id === paymentId);
    }, { what: 'the payment.succeeded event' });
    expect(event!.data.object).toMatchObject({ object: 'payment', status: 'succeeded' });
    const one = await getV1EventsId({ client: durapay, throwOnError: true, path: { id: event!.id } });
    expect(one.data).toEqual(event);

    const missing = await getV1PaymentsId({ client: durapay, path: { id: 'pay_missing' } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ error: { type: 'invalid_request_error', code: 'resource_missing' } });

    const [hook] = await receiver.waitFor('/typed', (h) => h.event.data.object.id === paymentId);
    const delivered = verifyDurapayWebhook(hook.rawBody, hook.headers['durapay-signature'], endpoint.data.secret);
    expect(delivered.id).toBe(event!.id);
    await deleteV1WebhookEndpointsId({ client: durapay, throwOnError: true, path: { id: endpoint.data.id }, headers: { 'Idempotency-Key': randomUUID() } });
  });
});
