import { completeThreeDSecure, paymentIntentsFor, setWebhookSwitches } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { recordHistory } from '../support/histories';

describe('recovery without webhooks', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ timing: { pollInitialSeconds: 1, pollMaxSeconds: 2, authorizationExpirySeconds: 3 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('recovers a dropped webhook by asking the provider', async () => {
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    const done = await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    expect(done.amount_captured).toBe(2500);
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'status_changed', to_status: 'succeeded', source: 'workflow', data: expect.objectContaining({ step: 'poll' }) }));
    expect(events.some((e) => e.source === 'webhook')).toBe(false);
    await recordHistory(stack.client, created.body.id, 'take-payment-polled');
  });

  it('cancels an authorization that is never captured', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_visa', capture_method: 'manual' });
    expect(created.body.status).toBe('requires_capture');
    const expired = await stack.waitForPayment(created.body.id, (p) => p.status === 'canceled');
    expect(expired.amount_captured).toBe(0);
    const events = await stack.events(created.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'cancel.requested', actor: 'workflow:authorization_expiry', source: 'workflow' }));
    const [intent] = await paymentIntentsFor(stack.sandbox, created.body.id);
    expect(intent.status).toBe('canceled');
    await recordHistory(stack.client, created.body.id, 'take-payment-authorization-expired');
  });
});

describe('a worker killed mid-payment', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'process', timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('carries on after SIGKILL and restart, with exactly one PaymentIntent', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('requires_action');

    await stack.killWorkerProcess();
    // While no worker runs, the customer approves and the webhook is stored and signalled.
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    expect((await stack.getPayment(created.body.id)).status).toBe('requires_action');

    // A payment requested while the worker is down completes once a worker is back.
    const pendingRequest = stack.createPayment({ payment_method: 'pm_card_visa' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    stack.startWorkerProcess();
    const [done, second] = await Promise.all([
      stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded', 60_000),
      pendingRequest,
    ]);
    expect(done.status).toBe('succeeded');
    expect(second.status).toBe(201);
    expect(second.body.status).toBe('succeeded');
    expect(await paymentIntentsFor(stack.sandbox, created.body.id)).toHaveLength(1);
    expect(await paymentIntentsFor(stack.sandbox, second.body.id)).toHaveLength(1);
  });
});
