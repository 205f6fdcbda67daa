import { temporal } from '@temporalio/proto';
import { completeThreeDSecure, paymentIntentsFor } from '../support/sandbox-control';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';

const { EventType } = temporal.api.enums.v1;

/** The activity types a workflow scheduled through the server (local activities leave markers instead). */
async function scheduledActivities(stack: TestStack, workflowId: string): Promise<{ regular: string[]; markers: number }> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  return {
    regular: events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!),
    markers: events.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED).length,
  };
}

describe('the path to a payment answer', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await TestStack.start({ timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('writes the payment and asks the provider without an activity round trip through the server', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: 'cus_hot' });
    expect(created.body).toMatchObject({ status: 'succeeded' });
    expect(created.status).toBe(201);
    await stack.waitForWorkflowClosed(created.body.id);
    const { regular, markers } = await scheduledActivities(stack, created.body.id);
    expect(regular).not.toContain('savePayment');
    expect(regular).not.toContain('createProviderPayment');
    // Local activities: payment.created, the provider call, the outcome; plus the patch marker.
    expect(markers).toBeGreaterThanOrEqual(4);
    expect(await paymentIntentsFor(stack.sandbox, created.body.id)).toHaveLength(1);
    const events = await stack.events(created.body.id);
    expect(events.filter((e) => e.type === 'status_changed')).toHaveLength(1);
    await recordHistory(stack.client, created.body.id, 'take-payment-succeeded-local-hot-path');
  });

  it('answers before the bookkeeping, which follows as one regular activity with the receipt\'s address', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_visa', customer_id: 'cus_hot' });
    expect(created.body).toMatchObject({ status: 'succeeded' });
    await stack.waitForWorkflowClosed(created.body.id);
    const history = (await stack.client.workflow.getHandle(created.body.id).fetchHistory()).events ?? [];
    const position = (type: number, name?: string) => history.findIndex((e) => e.eventType === type
      && (name === undefined || e.activityTaskScheduledEventAttributes?.activityType?.name === name));
    const answered = position(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
    const booking = position(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 'bookPayment');
    // Scheduled by the task that answers, run after it: the answer never waits for it.
    expect(answered).toBeGreaterThan(0);
    expect(booking).toBeGreaterThan(0);
    expect(position(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)).toBeGreaterThan(answered);
    const { regular } = await scheduledActivities(stack, created.body.id);
    expect(regular).toEqual(['bookPayment']);
    // And it did what the answered save left: the ledger entry, the merchant event, the invoice; the mark is cleared.
    const row = await stack.db('payments').where({ id: created.body.id }).first('bookkeeping_due');
    expect(row.bookkeeping_due).toBe(false);
    expect(await stack.db('ledger_transactions').where({ payment_id: created.body.id, kind: 'capture' })).toHaveLength(1);
    expect(await stack.db('documents').where({ payment_id: created.body.id, kind: 'invoice' })).toHaveLength(1);
    expect(await stack.db('events').where({ object_id: created.body.id, type: 'payment.succeeded' })).toHaveLength(1);
  });

  it('applies a webhook with a local write and declines the same way', async () => {
    const parked = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(parked.body.status).toBe('requires_action');
    await completeThreeDSecure(parked.body.next_action!.redirect_to_url.url, 'approve');
    const done = await stack.waitForPayment(parked.body.id, (p) => p.status === 'succeeded');
    expect(done.amount_captured).toBe(2500);
    await stack.waitForWorkflowClosed(parked.body.id);
    expect((await scheduledActivities(stack, parked.body.id)).regular).not.toContain('savePayment');
    await recordHistory(stack.client, parked.body.id, 'take-payment-3ds-approved-local-hot-path');

    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(declined.body).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' });
    await stack.waitForWorkflowClosed(declined.body.id);
    await recordHistory(stack.client, declined.body.id, 'take-payment-declined-local-hot-path');
  });
});
