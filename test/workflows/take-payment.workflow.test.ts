import { randomBytes } from 'node:crypto';
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { Payment } from '../../domain/payment';
import type { PaymentStatus } from '../../domain/payment-status';
import type { ProviderEvent, ProviderPaymentState } from '../../domain/provider-types';
import {
  cancelUpdate, captureUpdate, markReceivedUpdate, payerReturnSignal, paymentQuery, providerEventSignal, providerStateKnownUpdate, type TakePaymentInput,
} from '../../workflows/definitions';
import { recordHistory } from '../support/histories';
import { waitFor } from '../support/wait';
import { startWorkflowWorker, updateRefusal } from '../support/workflow-worker';

/** The real workflow on the real Temporal dev server, with activities faked at the edge. */
let client: Client;
let taskQueue: string;
let stopWorker: () => Promise<void>;
const saved: Array<Parameters<Activities['savePayment']>[0]> = [];
const createResults = new Map<string, ProviderPaymentState | Error>();
const pollResults = new Map<string, ProviderPaymentState[]>();
/** Payments whose after-answer bookkeeping waits until the test lets it go; and every bookkeeping call. */
const heldBookings = new Map<string, Promise<void>>();
const booked: Array<Parameters<Activities['bookPayment']>[0]> = [];
/** Payments whose outcome email waits until the test lets it go (to send messages while it runs). */
const heldEmails = new Map<string, { started: () => void; release: Promise<void> }>();

function state(paymentId: string, status: PaymentStatus, extra: Partial<ProviderPaymentState> = {}): ProviderPaymentState {
  return {
    provider: 'stripe', providerPaymentId: `pi_${paymentId}`, status, amount: 1000, currency: 'eur',
    amountCaptured: status === 'succeeded' ? 1000 : 0, providerStatus: status, clientSecret: 'secret', nextAction: null,
    failure: null, paymentId, ...extra,
  };
}

const fakeActivities: Partial<Activities> = {
  async savePayment(input) {
    saved.push(input);
  },
  async createProviderPayment(request) {
    const result = createResults.get(request.paymentId);
    if (result instanceof Error) throw result;
    return result!;
  },
  async findCustomerContact(input) {
    return heldEmails.has(input.paymentId) ? { email: 'payer@example.test', locale: 'en', name: null } : null;
  },
  async bookPayment(input) {
    await heldBookings.get(input.paymentId);
    booked.push(input);
    return { contact: input.findContact && heldEmails.has(input.paymentId) ? { email: 'payer@example.test', locale: 'en', name: null } : null };
  },
  async sendEmail(request) {
    const held = [...heldEmails.entries()].find(([paymentId]) => request.dedupeKey.startsWith(paymentId));
    if (held) {
      held[1].started();
      await held[1].release;
    }
    return { status: 'sent' as const };
  },
  async captureProviderPayment(input) {
    const paymentId = input.providerPaymentId.replace(/^pi_/, '');
    return state(paymentId, 'succeeded', { amountCaptured: input.amount ?? 1000 });
  },
  async cancelProviderPayment(input) {
    return state(input.providerPaymentId.replace(/^pi_/, ''), 'canceled');
  },
  async getProviderPayment(input) {
    const paymentId = input.providerPaymentId.replace(/^pi_/, '');
    const queue = pollResults.get(paymentId) ?? [];
    return queue.length > 1 ? queue.shift()! : queue[0];
  },
};

beforeAll(async () => {
  ({ client, taskQueue, stop: stopWorker } = await startWorkflowWorker('workflow-test', fakeActivities));
});

afterAll(() => stopWorker());

function input(paymentId: string, timing: Partial<TakePaymentInput['timing']> = {}, capture: 'automatic' | 'manual' = 'automatic'): TakePaymentInput {
  const now = new Date().toISOString();
  const payment: Payment = {
    id: paymentId, object: 'payment', status: 'pending', amount: 1000, currency: 'eur', capture_method: capture,
    amount_captured: 0, amount_refunded: 0, provider: 'stripe', provider_payment_id: null, payment_method: 'pm_card_visa',
    payment_method_type: 'card', saved_payment_method_id: null, instructions: null,
    client_secret: null, next_action: null, failure_code: null, failure_message: null, failure_details: null,
    customer_id: null, receipt_email: null, description: null, metadata: {}, created_at: now, updated_at: now,
  };
  return { payment, actor: 'test', returnUrl: 'http://127.0.0.1/return', timing: { pollInitialSeconds: 600, pollMaxSeconds: 600, authorizationExpirySeconds: 3600, ...timing } };
}

function event(paymentId: string, eventId: string, status: PaymentStatus): ProviderEvent {
  return { provider: 'stripe', eventId, type: `payment_intent.${status}`, createdAt: 1, providerPaymentId: `pi_${paymentId}`, paymentId, state: state(paymentId, status), refund: null };
}

const eventsOf = (paymentId: string) => saved.filter((s) => s.payment.id === paymentId).flatMap((s) => s.events);

describe('takePayment workflow', () => {
  it('applies an event once, records duplicates and late events, and never moves backward', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, state(id, 'requires_action'));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id)] });
    expect((await handle.executeUpdate(providerStateKnownUpdate)).status).toBe('requires_action');
    await handle.signal(providerEventSignal, { event: event(id, 'evt_1', 'processing'), webhookEventId: 11, source: 'webhook' });
    await handle.signal(providerEventSignal, { event: event(id, 'evt_1', 'processing'), webhookEventId: 11, source: 'webhook' });
    await waitFor(async () => ((await handle.query(paymentQuery)).status === 'processing' ? true : undefined), { what: 'processing' });
    // A webhook is a hint: the workflow reads the provider's own object before it moves to succeeded.
    pollResults.set(id, [state(id, 'succeeded')]);
    await handle.signal(providerEventSignal, { event: event(id, 'evt_2', 'succeeded'), webhookEventId: 12, source: 'webhook' });
    const result = (await handle.result()) as Payment;
    expect(result.status).toBe('succeeded');
    expect(result.amount_captured).toBe(1000);
    const events = eventsOf(id);
    expect(events.filter((e) => e.type === 'status_changed').map((e) => e.to_status)).toEqual(['requires_action', 'processing', 'succeeded']);
    expect(events).toContainEqual(expect.objectContaining({ type: 'provider_event.ignored', data: expect.objectContaining({ reason: 'duplicate' }) }));
    expect(saved.filter((s) => s.payment.id === id).flatMap((s) => s.processedWebhookEventIds).sort()).toEqual([11, 11, 12]);
    const keys = events.map((e) => e.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('asks the provider when no webhook comes', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, state(id, 'processing'));
    pollResults.set(id, [state(id, 'processing'), state(id, 'succeeded')]);
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id, { pollInitialSeconds: 1, pollMaxSeconds: 1 })] });
    const result = (await handle.result()) as Payment;
    expect(result.status).toBe('succeeded');
    expect(eventsOf(id)).toContainEqual(expect.objectContaining({ type: 'status_changed', to_status: 'succeeded', data: expect.objectContaining({ step: 'poll' }) }));
  });

  it('waits for the payer before asking the provider: the first poll of a payment in requires_action comes after payerWaitPollSeconds', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, state(id, 'requires_action'));
    pollResults.set(id, [state(id, 'requires_action')]);
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id, { pollInitialSeconds: 1, pollMaxSeconds: 7200, payerWaitPollSeconds: 3600 })] });
    expect((await handle.executeUpdate(providerStateKnownUpdate)).status).toBe('requires_action');
    const timers = await waitFor(async () => {
      const started = (await handle.fetchHistory()).events?.flatMap((e) => (e.timerStartedEventAttributes ? [e.timerStartedEventAttributes] : [])) ?? [];
      return started.length > 0 ? started : undefined;
    }, { what: 'the poll timer' });
    expect(timers.map((timer) => String(timer.startToFireTimeout?.seconds))).toEqual(['3600']);
    await handle.terminate('test done');
  });

  it('refuses a capture the payment is not ready for, with a coded domain error (no HTTP status)', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, state(id, 'requires_action'));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id)] });
    await handle.executeUpdate(providerStateKnownUpdate);
    const refused = await handle.executeUpdate(captureUpdate, { args: [{ actor: 'test' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refused as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('DurapayDomainError');
    expect(cause.details?.[0]).toEqual({ kind: 'state_conflict', code: 'payment_unexpected_state' });
    await handle.terminate('test done');
  });

  it('fails the payment and the creating request when the provider refuses it', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, ApplicationFailure.create({ type: 'ProviderRequestError', message: "No such PaymentMethod: 'pm_nope'", nonRetryable: true, details: [{ code: 'resource_missing', param: 'payment_method' }] }));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id)] });
    const refused = await handle.executeUpdate(providerStateKnownUpdate).catch((error: unknown) => error);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).details?.[0]).toEqual({ kind: 'invalid_input', code: 'resource_missing', param: 'payment_method' });
    const result = (await handle.result()) as Payment;
    expect(result).toMatchObject({ status: 'failed', failure_code: 'resource_missing' });
  });

  it('judges each command by one rule, in the validator and again when carrying it out', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    createResults.set(id, state(id, 'requires_capture'));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id, {}, 'manual')] });
    expect((await handle.executeUpdate(providerStateKnownUpdate)).status).toBe('requires_capture');
    expect(await updateRefusal(handle.executeUpdate(captureUpdate, { args: [{ actor: 'test', amountToCapture: 1001 }] })))
      .toEqual({ kind: 'state_conflict', code: 'amount_too_large', param: 'amount_to_capture' });
    // Marking money received is for payments settled by the merchant (cash, bank transfer), not for a card.
    expect(await updateRefusal(handle.executeUpdate(markReceivedUpdate, { args: [{ actor: 'test' }] })))
      .toEqual({ kind: 'state_conflict', code: 'payment_unexpected_state' });
    const captured = await handle.executeUpdate(captureUpdate, { args: [{ actor: 'merchant', amountToCapture: 800 }] });
    expect(captured).toMatchObject({ status: 'succeeded', amount_captured: 800 });
    expect(eventsOf(id)).toContainEqual(expect.objectContaining({ type: 'capture.requested', actor: 'merchant', data: expect.objectContaining({ amount_to_capture: 800 }) }));
    await handle.result();
    // The workflow has closed: Temporal answers for it, and the API maps that to a 409 from the record.
    await expect(handle.executeUpdate(cancelUpdate, { args: [{ actor: 'test' }] })).rejects.toThrow();
  });

  it('settles a bank transfer by an admin\'s word: an under-payment is refused, the full amount succeeds', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    const offline = input(id);
    offline.payment = { ...offline.payment, provider: 'offline', payment_method: null, payment_method_type: 'bank_transfer' };
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [offline] });
    expect((await handle.executeUpdate(providerStateKnownUpdate)).status).toBe('pending');
    expect(await updateRefusal(handle.executeUpdate(captureUpdate, { args: [{ actor: 'test' }] }))).toEqual({ kind: 'state_conflict', code: 'payment_unexpected_state' });
    expect(await updateRefusal(handle.executeUpdate(markReceivedUpdate, { args: [{ actor: 'admin', receivedAmount: 999 }] })))
      .toEqual({ kind: 'state_conflict', code: 'amount_insufficient', param: 'received_amount' });
    expect(await handle.executeUpdate(markReceivedUpdate, { args: [{ actor: 'admin', receivedAmount: 1000, reference: 'TRF-1' }] }))
      .toMatchObject({ status: 'succeeded', amount_captured: 1000 });
    expect((await handle.result() as Payment).status).toBe('succeeded');
  });

  it('answers once the provider has answered, and books the outcome (with the receipt\'s address) after the answer', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    let releaseBooking!: () => void;
    heldBookings.set(id, new Promise<void>((resolve) => (releaseBooking = resolve)));
    createResults.set(id, state(id, 'succeeded'));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id)] });
    // The bookkeeping is still held: the answer did not wait for it.
    expect((await handle.executeUpdate(providerStateKnownUpdate)).status).toBe('succeeded');
    expect(booked.filter((b) => b.paymentId === id)).toEqual([]);
    const outcomeSave = saved.filter((s) => s.payment.id === id).find((s) => s.payment.status === 'succeeded')!;
    expect(outcomeSave.bookLater).toBe(true);
    releaseBooking();
    expect(((await handle.result()) as Payment).status).toBe('succeeded');
    // Once, with the address for the receipt (none here), and no separate contact lookup.
    expect(booked.filter((b) => b.paymentId === id)).toEqual([{ paymentId: id, findContact: true }]);
    // The saves before the answer (payment.created, the provider's answer) leave it for later; none after.
    expect(saved.filter((s) => s.payment.id === id).map((s) => [s.payment.status, s.bookLater === true])).toEqual([['pending', true], ['succeeded', true]]);
  });

  it('records a webhook and a payer return that arrive while the closing email goes out', async () => {
    const id = `pay_wf_${randomBytes(4).toString('hex')}`;
    let emailStarted!: () => void;
    let releaseEmail!: () => void;
    const started = new Promise<void>((resolve) => (emailStarted = resolve));
    heldEmails.set(id, { started: () => emailStarted(), release: new Promise<void>((resolve) => (releaseEmail = resolve)) });
    createResults.set(id, state(id, 'succeeded'));
    const handle = await client.workflow.start('takePayment', { workflowId: id, taskQueue, args: [input(id)] });
    await started;
    await handle.signal(providerEventSignal, { event: event(id, 'evt_late', 'succeeded'), webhookEventId: 31, source: 'webhook' });
    await handle.signal(payerReturnSignal, { outcome: 'approved' });
    releaseEmail();
    expect((await handle.result() as Payment).status).toBe('succeeded');
    const events = eventsOf(id);
    expect(events).toContainEqual(expect.objectContaining({ type: 'provider_state.ignored', data: expect.objectContaining({ provider_event_id: 'evt_late' }) }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'payer_return.ignored', data: expect.objectContaining({ outcome: 'approved', reason: 'payment_final' }) }));
    expect(saved.filter((s) => s.payment.id === id).flatMap((s) => s.processedWebhookEventIds)).toContain(31);
    await recordHistory(client, id, 'take-payment-late-messages-drained');
  });
});

