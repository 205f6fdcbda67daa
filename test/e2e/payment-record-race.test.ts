import { randomBytes } from 'node:crypto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Refund } from '../../domain/refund';
import { providerEventSignal } from '../../workflows/definitions';
import { TestStack } from '../support/stack';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/**
 * A refund completes while the payment workflow is closing (its receipt email is on its way). The workflow then records a
 * late provider event, saving its own copy of the payment, which it read before the refund. The payment must still
 * show the refund: the workflow's closing save can't write the charge's older view over what the refund did.
 */
describe('one writer for the payment record: a refund that completes while the payment workflow closes', () => {
  let stack: TestStack;
  let worker: Worker;
  let connection: NativeConnection;
  let running: Promise<void>;
  /** Receipts to these addresses wait until the test releases them. */
  const held = new Set<string>();
  const waiting = new Map<string, () => void>();

  beforeAll(async () => {
    // Refunds of up to 50.00 approve themselves, so nobody has to decide while the receipt waits.
    stack = await TestStack.start({ worker: 'none', refunds: { autoApproveMaxAmount: 5000, pollInitialSeconds: 1 } });
    const env = testEnv();
    connection = await NativeConnection.connect({ address: env.temporalAddress });
    const activities = createActivities({
      db: stack.db, providers: stack.providers(), mailFrom: 'Durapay Test <payments@durapay.test>', adminEmails: [],
      mailer: { sendMail: async () => ({}) } as never,
    });
    // The real worker and activities; only the receipt email of the payments under test waits for the test to let it go.
    const sendEmail: typeof activities.sendEmail = async (request) => {
      if (request.template === 'payment_receipt' && held.has(request.to)) {
        await new Promise<void>((release) => waiting.set(request.to, release));
      }
      return activities.sendEmail(request);
    };
    worker = await Worker.create({
      connection, namespace: 'default', taskQueue: stack.taskQueue, workflowBundle: { codePath: env.workflowBundle },
      activities: { ...activities, sendEmail },
    });
    running = worker.run();
  });

  afterAll(async () => {
    for (const release of waiting.values()) release();
    worker?.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await stack?.stop();
  });

  it('keeps the refund: status partially_refunded and amount_refunded, after the workflow saved its older copy', async () => {
    const id = randomBytes(4).toString('hex');
    const customerId = `cus_race_${id}`;
    const email = `${customerId}@customer.test`;
    expect((await stack.request('POST', '/v1/customers', { body: { id: customerId, email, name: 'Race' } })).status).toBe(200);
    held.add(email);
    const created = await stack.createPayment({ amount: 10_000, currency: 'eur', payment_method: 'pm_card_visa', customer_id: customerId });
    expect(created.body.status).toBe('succeeded');
    const paymentId = created.body.id;
    await waitFor(async () => (waiting.has(email) ? true : undefined), { what: 'the payment workflow to reach its receipt email', timeoutMs: 60_000 });

    // While the workflow waits on its receipt, a refund completes at the provider and is booked.
    const requested = await stack.request<Refund>('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 2500, reason: 'requested_by_customer' } });
    expect(requested.status).toBe(202);
    await waitFor(async () => ((await stack.request<Refund>('GET', `/v1/refunds/${requested.body.id}`)).body.status === 'succeeded' ? true : undefined),
      { what: 'the refund to succeed', timeoutMs: 60_000 });
    expect(await stack.getPayment(paymentId)).toMatchObject({ status: 'partially_refunded', amount_refunded: 2500 });

    // A late provider event reaches the closing workflow: it records it, saving the payment as it last knew it.
    await stack.client.workflow.getHandle(paymentId).signal(providerEventSignal, {
      event: { provider: 'stripe', eventId: `evt_race_${id}`, type: 'charge.updated', createdAt: Math.floor(Date.now() / 1000), providerPaymentId: created.body.provider_payment_id, paymentId, state: null, refund: null },
      webhookEventId: null, source: 'webhook',
    });
    waiting.get(email)!();
    await stack.waitForWorkflowClosed(paymentId, 60_000);
    const events = await stack.events(paymentId);
    // The closing save happened (its history line is there), and it came after the refund's.
    const late = events.findIndex((event) => event.type === 'provider_event.received' && event.data.provider_event_id === `evt_race_${id}`);
    const refunded = events.findIndex((event) => event.type === 'refund.succeeded');
    expect(refunded).toBeGreaterThanOrEqual(0);
    expect(late).toBeGreaterThan(refunded);

    expect(await stack.getPayment(paymentId)).toMatchObject({ status: 'partially_refunded', amount_captured: 10_000, amount_refunded: 2500 });
    const listed = await stack.request('GET', `/v1/payments?customer_id=${customerId}&status=partially_refunded`);
    expect(listed.body.data.map((p: { id: string }) => p.id)).toEqual([paymentId]);
    // A second refund sees what the first took: only 75.00 is left.
    const tooMuch = await stack.request('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount: 8000, reason: 'requested_by_customer' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error).toMatchObject({ code: 'amount_too_large' });
  }, 180_000);
});
