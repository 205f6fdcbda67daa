import { paymentIntentsFor, sandboxStripe, setWebhookSwitches } from '../support/sandbox-control';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

// Issue #9, item 3: a failed payment is final at the provider too, and money the provider holds on one is alerted.
let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ key: stack.adminKey });

async function mismatchAlertFor(providerPaymentId: string): Promise<any> {
  return waitFor(async () => {
    const list = await stack.request('GET', '/v1/admin/alerts?limit=100', admin());
    return list.body.data.find((alert: any) => alert.kind === 'provider_money_mismatch' && alert.data.provider_payment_id === providerPaymentId);
  }, { what: `the provider_money_mismatch alert for ${providerPaymentId}`, timeoutMs: 45_000 });
}

/** Money taken at Stripe for an engine payment outside its workflow: what a stale client confirmation did before. */
async function chargeBehindTheEngine(paymentId: string): Promise<string> {
  const orphan = await sandboxStripe(stack.sandbox).paymentIntents.create({
    amount: 2500, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { durapay_payment_id: paymentId },
  });
  expect(orphan.status).toBe('succeeded');
  return orphan.id;
}

async function runSync(): Promise<void> {
  const started = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe' }, ...admin() });
  expect(started.status).toBe(202);
  await waitFor(async () => {
    const run = await stack.request('GET', `/v1/admin/syncs/${started.body.workflow_id}`, admin());
    return run.body.status === 'completed' ? true : undefined;
  }, { what: 'the sync run' });
}

describe('a failed payment is final at the provider', () => {
  it('cancels the declined intent before recording failed, hides its client_secret, and a re-confirmation charges nothing', async () => {
    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclined' });
    expect(declined.status).toBe(201);
    expect(declined.body).toMatchObject({ status: 'failed', client_secret: null });
    expect((await stack.getPayment(declined.body.id)).client_secret).toBeNull();
    const [intent] = await paymentIntentsFor(stack.sandbox, declined.body.id);
    expect(intent.status).toBe('canceled');

    // The browser's "try another card" on the old intent is refused by the provider.
    const stripe = sandboxStripe(stack.sandbox);
    await expect(stripe.paymentIntents.confirm(intent.id, { payment_method: 'pm_card_visa' })).rejects.toMatchObject({ code: 'payment_intent_unexpected_state' });

    await stack.waitForWorkflowClosed(declined.body.id);
    await recordHistory(stack.client, declined.body.id, 'take-payment-declined-voided');
    const retried = await stack.request('POST', `/v1/payments/${declined.body.id}/retry`, { body: { payment_method: 'pm_card_visa' } });
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('succeeded');
    const intents = await paymentIntentsFor(stack.sandbox, declined.body.id);
    expect(intents.map((i) => i.status).sort()).toEqual(['canceled', 'succeeded']);
    expect(intents.filter((i) => i.status === 'succeeded').reduce((sum, i) => sum + i.amount_received, 0)).toBe(2500);
  });

  it('alerts provider_money_mismatch (stored and emailed) when a webhook shows money on a failed payment', async () => {
    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclined' });
    await stack.waitForWorkflowClosed(declined.body.id);
    const orphan = await chargeBehindTheEngine(declined.body.id);
    const alert = await mismatchAlertFor(orphan);
    expect(alert).toMatchObject({ severity: 'critical', data: { payment_id: declined.body.id, reason: 'other_attempt_charged', provider_amount_captured: 2500 } });
    await stack.mail.waitFor((m) => m.to.includes(stack.adminEmails[0]) && m.text.includes(alert.id), 30_000);
    expect((await stack.getPayment(declined.body.id)).status).toBe('failed');
  });

  it('alerts from sync when the webhook never came, once per orphan', async () => {
    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclined' });
    await stack.waitForWorkflowClosed(declined.body.id);
    await setWebhookSwitches(stack.sandbox, { deliver: false });
    try {
      const orphan = await chargeBehindTheEngine(declined.body.id);
      await runSync();
      const alert = await mismatchAlertFor(orphan);
      expect(alert.data).toMatchObject({ noticed_by: 'sync', engine_status: 'failed' });
      await runSync();
      const all = (await stack.request('GET', '/v1/admin/alerts?limit=100', admin())).body.data.filter((a: any) => a.data.provider_payment_id === orphan);
      expect(all).toHaveLength(1);
    } finally {
      await setWebhookSwitches(stack.sandbox, { deliver: true });
    }
  });
});

describe('webhooks are hints, the provider is the truth', () => {
  it('does not move a payment to succeeded on an event whose provider object is not its own', async () => {
    const waiting = await stack.createPayment({ amount: 5000, payment_method: 'pm_card_threeDSecure2Required' });
    expect(waiting.body.status).toBe('requires_action');
    // A genuine, correctly signed €1 payment_intent.succeeded that names this payment in its metadata.
    const other = await sandboxStripe(stack.sandbox).paymentIntents.create({
      amount: 100, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, metadata: { durapay_payment_id: waiting.body.id },
    });
    const alert = await waitFor(async () => {
      const list = await stack.request('GET', '/v1/admin/alerts?limit=100', admin());
      return list.body.data.find((a: any) => a.data.payment_id === waiting.body.id && a.data.reason === 'provider_object_mismatch');
    }, { what: 'the provider_object_mismatch alert', timeoutMs: 45_000 });
    expect(alert).toMatchObject({ kind: 'provider_money_mismatch', severity: 'critical', data: { provider_payment_id: other.id } });
    const events = await stack.events(waiting.body.id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'provider_state.ignored', data: expect.objectContaining({ reason: 'provider_object_mismatch' }) }));
    expect(await stack.getPayment(waiting.body.id)).toMatchObject({ status: 'requires_action', amount_captured: 0, provider_payment_id: waiting.body.provider_payment_id });
  });
});
