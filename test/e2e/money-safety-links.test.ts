import { randomBytes } from 'node:crypto';
import { recordHistory } from '../support/histories';
import { paymentIntentsFor } from '../support/sandbox-control';
import { TestStack } from '../support/stack';

// Issue #9, items 1 and 2: saved methods charge only their own customer; payer-return links act only on what they return from.
let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
});
afterAll(async () => {
  await stack?.stop();
});

async function customerWithCard(): Promise<{ customerId: string; methodId: string }> {
  const customerId = `cus_${randomBytes(4).toString('hex')}`;
  await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test` } });
  const saved = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, provider: 'stripe', token: 'pm_card_visa' } });
  expect(saved.status).toBe(201);
  return { customerId, methodId: saved.body.id };
}

async function paymentRows(): Promise<number> {
  return Number((await stack.db('payments').count({ n: '*' }).first())!.n);
}

/** The payerReturn signals the payment's workflow received: each one is a provider look-up. */
async function payerReturnSignals(paymentId: string): Promise<number> {
  const history = await stack.client.workflow.getHandle(paymentId).fetchHistory();
  return (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'payerReturn').length;
}

describe('a saved payment method belongs to its customer', () => {
  it('refuses another customer’s saved method on create, with no customer_id or another one, and charges nothing', async () => {
    const owner = await customerWithCard();
    const other = await customerWithCard();
    const before = await paymentRows();

    const anonymous = await stack.createPayment({ amount: 5000, payment_method: owner.methodId });
    expect(anonymous.status).toBe(400);
    expect((anonymous.body as any).error).toMatchObject({ code: 'payment_method_customer_mismatch', param: 'customer_id' });
    const wrongCustomer = await stack.createPayment({ amount: 5000, payment_method: owner.methodId, customer_id: other.customerId });
    expect(wrongCustomer.status).toBe(409);
    expect((wrongCustomer.body as any).error.code).toBe('payment_method_customer_mismatch');
    expect(await paymentRows()).toBe(before);

    const own = await stack.createPayment({ amount: 5000, payment_method: owner.methodId, customer_id: owner.customerId });
    expect(own.status).toBe(201);
    expect(own.body.status).toBe('succeeded');
  });

  it('refuses it on retry of a payment without that customer', async () => {
    const owner = await customerWithCard();
    const declined = await stack.createPayment({ amount: 3000, payment_method: 'pm_card_chargeDeclined' });
    expect(declined.body.status).toBe('failed');
    await stack.waitForWorkflowClosed(declined.body.id);

    const retried = await stack.request('POST', `/v1/payments/${declined.body.id}/retry`, { body: { payment_method: owner.methodId } });
    expect(retried.status).toBe(400);
    expect(retried.body.error.code).toBe('payment_method_customer_mismatch');
    expect(await stack.getPayment(declined.body.id)).toMatchObject({ status: 'failed', attempt_count: 1 });
    expect(await paymentIntentsFor(stack.sandbox, declined.body.id)).toHaveLength(1);
  });
});

describe('payer-return links', () => {
  it('leave a card payment waiting for 3-D Secure alone', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_threeDSecure2Required' });
    expect(created.body.status).toBe('requires_action');
    for (const path of ['/cancel/paypal', '/return/paypal']) {
      const response = await fetch(`${stack.apiUrl}${path}?payment_id=${created.body.id}&token=${created.body.provider_payment_id}`);
      expect(response.status).toBe(200);
      expect(await response.text()).not.toMatch(/canceled/i);
    }
    expect(await payerReturnSignals(created.body.id)).toBe(0);
    expect((await stack.getPayment(created.body.id)).status).toBe('requires_action');
  });

  it('act on a PayPal payment only with its order id as token, and ask PayPal at most once per window', async () => {
    const created = await stack.createPayment({ amount: 2500, provider: 'paypal' });
    expect(created.body.status).toBe('requires_action');
    const id = created.body.id;
    for (const query of [`payment_id=${id}`, `payment_id=${id}&token=5O190127TN364715T`, `payment_id=${id}&token=`]) {
      expect((await fetch(`${stack.apiUrl}/cancel/paypal?${query}`)).status).toBe(200);
    }
    expect(await payerReturnSignals(id)).toBe(0);
    expect((await stack.getPayment(id)).status).toBe('requires_action');

    // A flood with the right token: one look-up per 5-second window, however many hits.
    const started = Date.now();
    const hits = await Promise.all(Array.from({ length: 40 }, () => fetch(`${stack.apiUrl}/return/paypal?payment_id=${id}&token=${created.body.provider_payment_id}`)));
    const windows = Math.ceil((Date.now() - started) / 5000) + 1;
    expect(hits.every((hit) => hit.status === 200)).toBe(true);
    const signals = await payerReturnSignals(id);
    expect(signals).toBeGreaterThanOrEqual(1);
    expect(signals).toBeLessThanOrEqual(windows);
    expect(signals).toBeLessThan(40);
  });
});

describe('a PayPal payment waiting for its payer', () => {
  let short: TestStack;
  beforeAll(async () => {
    short = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600, payerApprovalSeconds: 2 } });
  });
  afterAll(async () => {
    await short?.stop();
  });

  it('fails as payer_abandoned when not approved in time, after which its links reach nothing', async () => {
    const created = await short.createPayment({ amount: 2500, provider: 'paypal' });
    expect(created.body.status).toBe('requires_action');
    const failed = await short.waitForPayment(created.body.id, (p) => p.status === 'failed', 45_000);
    expect(failed.failure_code).toBe('payer_abandoned');
    await short.waitForWorkflowClosed(created.body.id);
    await recordHistory(short.client, created.body.id, 'take-payment-paypal-abandoned');
    const late = await fetch(`${short.apiUrl}/return/paypal?payment_id=${created.body.id}&token=${created.body.provider_payment_id}`);
    expect(late.status).toBe(200);
    expect(await short.db('payer_return_checks').where({ payment_id: created.body.id }).first()).toBeUndefined();
  });
});
