import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/*
 * Merchant endpoints that take their time must not hold up payments. A delivery attempt run inside its workflow's
 * task (a local activity) kept one of the worker's 40 workflow-task slots until the endpoint answered or the 10 s
 * delivery timeout: 40 slow endpoints and no payment or refund could move (schemathesis's fuzzed https://0.com
 * endpoints got a refund answered 503). Attempts now run on their own task queue.
 */
const SLOW_ENDPOINTS = 45;
/** The SDK's default number of workflow tasks a worker runs at once. */
const WORKFLOW_TASK_SLOTS = 40;

let stack: TestStack;
let slow: { url: string; held: http.ServerResponse[]; release(): void; close(): Promise<void> };

beforeAll(async () => {
  // A database of its own: no other file's events are queued for these endpoints.
  stack = await TestStack.start({ database: 'own', webhookRetryDelaysSeconds: [1, 1] });
  slow = await startHoldingServer();
});
afterAll(async () => {
  await stack?.stop();
  await slow?.close();
});

/** Takes every request and answers none until released (then 200 to every request, held or new). */
async function startHoldingServer(): Promise<typeof slow> {
  const held: http.ServerResponse[] = [];
  let released = false;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => (released ? response.end() : held.push(response)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    release() {
      released = true;
      for (const response of held.splice(0)) response.end();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

it('takes payments and refunds while more endpoints than workflow-task slots are still answering', async () => {
  for (let n = 0; n < SLOW_ENDPOINTS; n++) {
    const created = await stack.request('POST', '/v1/webhook-endpoints', { body: { url: `${slow.url}/slow-${n}`, enabled_events: ['payment.succeeded'] } });
    expect(created.status).toBe(201);
  }
  const first = await stack.createPayment({ amount: 1500, currency: 'eur', payment_method: 'pm_card_visa' });
  expect(first.body.status).toBe('succeeded');
  await waitFor(async () => (slow.held.length >= WORKFLOW_TASK_SLOTS ? true : undefined), { timeoutMs: 30_000, what: `${WORKFLOW_TASK_SLOTS} attempts held` });

  // Every endpoint is still answering: no attempt has come back yet, and the engine takes a payment and a refund.
  const second = await stack.createPayment({ amount: 2500, currency: 'eur', payment_method: 'pm_card_visa' });
  expect(second.body.status).toBe('succeeded');
  const refund = await stack.request('POST', `/v1/payments/${second.body.id}/refunds`, { body: { reason: 'other', amount: 500 } });
  expect(refund.status).toBe(202);
  expect(await stack.db('webhook_delivery_attempts').count({ n: '*' }).first()).toEqual({ n: 0 });

  // Once the endpoints answer, every delivery of the first payment's event arrives.
  slow.release();
  const delivered = await waitFor(async () => {
    const rows: { status: string }[] = await stack.db('webhook_deliveries').select('status');
    const done = rows.filter((row) => row.status === 'delivered');
    return done.length >= SLOW_ENDPOINTS ? done : undefined;
  }, { timeoutMs: 90_000, what: 'every slow delivery delivered' });
  expect(delivered.length).toBeGreaterThanOrEqual(SLOW_ENDPOINTS);
}, 180_000);
