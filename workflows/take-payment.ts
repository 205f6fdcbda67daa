import { allHandlersFinished, type ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import { mergeProviderState, type EventSource, type Payment } from '../domain/payment';
import { canCancel, canCapture, isTerminal, judgeTransition } from '../domain/payment-status';
import type { ProviderPaymentState } from '../domain/provider-types';
import {
  cancelUpdate,
  markReceivedUpdate,
  payerReturnSignal,
  type PayerReturn,
  captureUpdate,
  paymentQuery,
  providerEventSignal,
  type ProviderEventSignal,
  providerStateKnownUpdate,
  type TakePaymentInput,
} from './definitions';
import { type EventDraft, PaymentRecorder } from './payment-recorder';
import { apiError, emailOutcome, invalidState, provider, providerRefusal } from './payment-workflow-helpers';

interface Command {
  kind: 'capture' | 'cancel' | 'mark_received';
  amount?: number;
  actor: string;
  source: EventSource;
  reason?: string;
  reference?: string;
  done: boolean;
  error?: ApplicationFailure;
}

/** One payment, from creation at the provider to a final status; the workflow id is the payment id. */
export async function takePayment(input: TakePaymentInput): Promise<Payment> {
  const recorder = new PaymentRecorder(input.payment);
  const { timing } = input;
  const inbox: ProviderEventSignal[] = [];
  const seenProviderEvents = new Set<string>();
  const commands: Command[] = [];
  let providerStateKnown = false;
  let creationError: ApplicationFailure | undefined;
  let authorizedAt: number | null = null;
  const payerReturns: PayerReturn[] = [];
  let autoCaptureRequested = false;
  const offline = input.payment.provider === 'offline';

  setHandler(paymentQuery, () => recorder.payment);
  setHandler(providerEventSignal, (signal) => void inbox.push(signal));
  setHandler(payerReturnSignal, (payerReturn) => void payerReturns.push(payerReturn));
  setHandler(providerStateKnownUpdate, async () => {
    await condition(() => providerStateKnown);
    if (creationError) throw creationError;
    return recorder.payment;
  });
  const enqueue = async (command: Command): Promise<Payment> => {
    commands.push(command);
    await condition(() => command.done);
    if (command.error) throw command.error;
    return recorder.payment;
  };
  setHandler(
    captureUpdate,
    (request) => enqueue({ kind: 'capture', amount: request.amountToCapture, actor: request.actor, source: 'api', done: false }),
    {
      validator: (request) => {
        if (!canCapture(recorder.payment.status) || offline) throw invalidState(recorder.payment, 'captured');
        if (request.amountToCapture !== undefined && request.amountToCapture > recorder.payment.amount) {
          throw apiError(`amount_to_capture can't exceed the authorized ${recorder.payment.amount}.`, {
            status: 400, type: 'invalid_request_error', code: 'amount_too_large', param: 'amount_to_capture',
          });
        }
      },
    },
  );
  setHandler(
    cancelUpdate,
    (request) => enqueue({ kind: 'cancel', actor: request.actor, reason: request.reason, source: 'api', done: false }),
    {
      validator: (_request) => {
        if (!canCancel(recorder.payment.status)) throw invalidState(recorder.payment, 'canceled');
      },
    },
  );
  setHandler(
    markReceivedUpdate,
    (request) => enqueue({ kind: 'mark_received', amount: request.receivedAmount, reference: request.reference, actor: request.actor, source: 'api', done: false }),
    {
      validator: (request) => {
        if (!offline || recorder.payment.status !== 'pending') throw invalidState(recorder.payment, 'marked paid');
        if (request.receivedAmount !== undefined && request.receivedAmount < recorder.payment.amount) {
          throw apiError(`Received ${request.receivedAmount} but the payment is for ${recorder.payment.amount}: an under-payment can't settle it.`, {
            status: 400, type: 'invalid_request_error', code: 'amount_insufficient', param: 'received_amount',
          });
        }
      },
    },
  );

  /** Applies an observed provider state if it moves the payment forward; otherwise describes why not. */
  const observe = (state: ProviderPaymentState, draft: Omit<EventDraft, 'type'>): EventDraft => {
    const before = recorder.payment.status;
    const verdict = judgeTransition(before, state.status);
    const data = { ...draft.data, provider_status: state.providerStatus, observed_status: state.status };
    if (verdict.kind === 'ignore') {
      return { ...draft, type: 'provider_state.ignored', data: { ...data, reason: verdict.reason } };
    }
    const next = mergeProviderState(recorder.payment, state, new Date().toISOString());
    if (next.status === 'requires_capture') authorizedAt = Date.now();
    return recorder.transition(next, { ...draft, type: 'status_changed', data });
  };

  await recorder.save([{ type: 'payment.created', source: 'api', actor: input.actor, data: { amount: input.payment.amount, currency: input.payment.currency } }]);

  /** Creates and confirms the payment at the provider; a refusal fails the payment and the creating request. */
  const createAtProvider = async (): Promise<void> => {
    try {
      const state = await provider.createProviderPayment({
        provider: input.payment.provider,
        paymentId: input.payment.id,
        paymentMethodType: input.payment.payment_method_type === 'sepa_debit' || input.payment.payment_method_type === 'paypal' ? input.payment.payment_method_type : 'card',
        providerCustomerId: input.method?.providerCustomerId ?? null,
        mandateId: input.method?.mandateId ?? null,
        cancelUrl: input.cancelUrl ?? input.returnUrl,
        amount: input.payment.amount,
        currency: input.payment.currency,
        captureMethod: input.payment.capture_method,
        paymentMethod: input.payment.payment_method ?? '',
        customerId: input.payment.customer_id,
        description: input.payment.description,
        metadata: input.payment.metadata,
        returnUrl: input.returnUrl,
        idempotencyKey: `${input.payment.id}:create`,
      });
      await recorder.save([observe(state, { source: 'workflow', actor: 'workflow', data: { step: 'create' } })]);
    } catch (error) {
      const refusal = providerRefusal(error);
      if (!refusal) throw error;
      creationError = apiError(refusal.message, { status: 400, type: 'invalid_request_error', code: refusal.code, param: refusal.param ?? undefined });
      const failed: Payment = {
        ...recorder.payment,
        status: 'failed',
        failure_code: refusal.code,
        failure_message: refusal.message,
        failure_details: { provider_code: refusal.code, provider_decline_code: null, provider_message: refusal.message },
        updated_at: new Date().toISOString(),
      };
      await recorder.save([recorder.transition(failed, { type: 'status_changed', source: 'workflow', actor: 'workflow', data: { step: 'create', refused: true } })]);
    }
  };

  // Cash and bank transfers have no provider: they wait for an admin to mark them received.
  if (!offline) await createAtProvider();
  providerStateKnown = true;

  const applyInbox = async (): Promise<void> => {
    while (inbox.length > 0) {
      const batch = inbox.splice(0, inbox.length);
      const drafts: EventDraft[] = [];
      for (const { event, source, webhookEventId } of batch) {
        const data = { provider_event_id: event.eventId, provider_event_type: event.type, webhook_event_id: webhookEventId };
        const draft = { source, actor: `${event.provider}:${source}`, data };
        if (seenProviderEvents.has(event.eventId)) {
          drafts.push({ ...draft, type: 'provider_event.ignored', data: { ...data, reason: 'duplicate' } });
        } else if (!event.state) {
          seenProviderEvents.add(event.eventId);
          drafts.push({ ...draft, type: 'provider_event.received' });
        } else {
          seenProviderEvents.add(event.eventId);
          drafts.push(observe(event.state, draft));
        }
      }
      const processed = batch.map((signal) => signal.webhookEventId).filter((id): id is number => id !== null);
      await recorder.save(drafts, processed);
    }
  };

  const refreshFromProvider = async (reason: string, source: EventSource = 'workflow'): Promise<void> => {
    const providerPaymentId = recorder.payment.provider_payment_id;
    if (!providerPaymentId) return;
    const state = await provider.getProviderPayment({ provider: recorder.payment.provider, providerPaymentId });
    const draft = observe(state, { source, actor: 'workflow', data: { step: reason } });
    // A poll that finds nothing new is not worth a history line.
    if (draft.type !== 'provider_state.ignored') await recorder.save([draft]);
  };

  /** Cash and bank transfers settle by an admin's word or lapse: no provider to ask. */
  const executeOffline = async (command: Command, requested: EventDraft): Promise<void> => {
    const now = new Date().toISOString();
    const next: Payment =
      command.kind === 'mark_received'
        ? { ...recorder.payment, status: 'succeeded', amount_captured: recorder.payment.amount, updated_at: now }
        : { ...recorder.payment, status: 'canceled', updated_at: now };
    const data = { step: command.kind, received_amount: command.amount ?? null, reference: command.reference ?? null, reason: command.reason ?? null };
    await recorder.save([requested, recorder.transition(next, { type: 'status_changed', source: command.source, actor: command.actor, data })]);
  };

  const execute = async (command: Command): Promise<void> => {
    const payment = recorder.payment;
    const allowed =
      command.kind === 'capture' ? canCapture(payment.status) && !offline
        : command.kind === 'cancel' ? canCancel(payment.status)
          : offline && payment.status === 'pending';
    if (!allowed || (!offline && !payment.provider_payment_id)) {
      command.error = invalidState(payment, command.kind === 'capture' ? 'captured' : command.kind === 'cancel' ? 'canceled' : 'marked paid');
      return;
    }
    const requested: EventDraft = {
      type: `${command.kind}.requested`, source: command.source, actor: command.actor,
      data: { amount_to_capture: command.amount ?? null, reason: command.reason ?? null },
    };
    if (offline) return executeOffline(command, requested);
    const providerPaymentId = payment.provider_payment_id!;
    try {
      const state =
        command.kind === 'capture'
          ? await provider.captureProviderPayment({
              provider: payment.provider, providerPaymentId,
              amount: command.amount, idempotencyKey: `${payment.id}:capture`,
            })
          : await provider.cancelProviderPayment({
              provider: payment.provider, providerPaymentId, idempotencyKey: `${payment.id}:cancel`,
            });
      await recorder.save([requested, observe(state, { source: command.source, actor: command.actor, data: { step: command.kind } })]);
    } catch (error) {
      const refusal = providerRefusal(error);
      if (!refusal) throw error;
      command.error = apiError(refusal.message, { status: 409, type: 'invalid_request_error', code: refusal.code });
      await recorder.save([requested, { type: `${command.kind}.refused`, source: command.source, actor: command.actor, data: refusal }]);
      await refreshFromProvider(`after_${command.kind}_refused`);
    }
  };

  /** Back from PayPal: ask the provider what happened; a payer who canceled and never approved has failed. */
  const handlePayerReturn = async ({ outcome }: PayerReturn): Promise<void> => {
    await refreshFromProvider(`payer_${outcome}`, 'api');
    if (outcome !== 'canceled' || recorder.payment.status !== 'requires_action') return;
    const failed: Payment = {
      ...recorder.payment, status: 'failed', next_action: null, failure_code: 'payer_canceled',
      failure_message: 'The payer canceled at the payment provider. Offer to try again or to choose another way to pay.',
      failure_details: { provider_code: 'payer_canceled', provider_decline_code: null, provider_message: null },
      updated_at: new Date().toISOString(),
    };
    await recorder.save([recorder.transition(failed, { type: 'status_changed', source: 'api', actor: 'payer', data: { step: 'payer_canceled' } })]);
  };

  const offlineExpiresAt = Date.parse(input.payment.created_at) + (input.offlineExpirySeconds ?? 14 * 24 * 3600) * 1000;
  let pollDelayMs = timing.pollInitialSeconds * 1000;
  while (!isTerminal(recorder.payment.status)) {
    // PayPal approvals arrive as authorizations: an automatic-capture payment captures them itself.
    if (recorder.payment.status === 'requires_capture' && recorder.payment.capture_method === 'automatic' && !autoCaptureRequested && !offline) {
      autoCaptureRequested = true;
      commands.push({ kind: 'capture', actor: 'workflow:auto_capture', source: 'workflow', done: false });
    }
    let waitMs = offline ? Math.max(1, offlineExpiresAt - Date.now()) : pollDelayMs;
    const expiresAt = authorizedAt === null ? null : authorizedAt + timing.authorizationExpirySeconds * 1000;
    if (recorder.payment.status === 'requires_capture' && expiresAt !== null) waitMs = Math.max(1, Math.min(waitMs, expiresAt - Date.now()));
    await condition(() => inbox.length > 0 || commands.length > 0 || payerReturns.length > 0, waitMs);
    if (commands.length > 0) {
      const command = commands.shift()!;
      await execute(command);
      command.done = true;
    } else if (inbox.length > 0) {
      await applyInbox();
    } else if (payerReturns.length > 0) {
      await handlePayerReturn(payerReturns.shift()!);
    } else if (offline) {
      const command: Command = { kind: 'cancel', actor: 'workflow:offline_expiry', source: 'workflow', reason: 'unpaid', done: false };
      await execute(command);
      command.done = true;
    } else if (recorder.payment.status === 'requires_capture' && expiresAt !== null && Date.now() >= expiresAt) {
      const command: Command = { kind: 'cancel', actor: 'workflow:authorization_expiry', source: 'workflow', reason: 'authorization_expired', done: false };
      await execute(command);
      command.done = true;
    } else {
      await refreshFromProvider('poll');
      pollDelayMs = Math.min(pollDelayMs * 2, timing.pollMaxSeconds * 1000);
    }
  }

  // Commands that raced the final status are refused; late events are recorded before the workflow closes.
  while (commands.length > 0 || inbox.length > 0 || !allHandlersFinished()) {
    for (const command of commands.splice(0, commands.length)) {
      await execute(command);
      command.done = true;
    }
    await applyInbox();
    await condition(() => commands.length > 0 || inbox.length > 0 || allHandlersFinished());
  }
  // Histories recorded before emails existed replay without them.
  if (patched('payment-emails')) await emailOutcome(recorder.payment);
  return recorder.payment;
}
