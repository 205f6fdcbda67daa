import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mergeProviderState, type EventSource, type Payment } from '../domain/payment';
import { canCancel, canCapture, isTerminal, judgeTransition } from '../domain/payment-status';
import type { ProviderPaymentState } from '../domain/provider-types';
import {
  API_ERROR_FAILURE,
  type ApiErrorDetails,
  cancelUpdate,
  captureUpdate,
  paymentQuery,
  providerEventSignal,
  type ProviderEventSignal,
  providerStateKnownUpdate,
  type TakePaymentInput,
} from './definitions';
import { type EventDraft, PaymentRecorder } from './payment-recorder';

// Provider calls carry idempotency keys derived from the payment id, so retrying them forever is safe.
const provider = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ProviderRequestError'] },
});

// Longer than the mailer's own connect and socket timeouts.
const mail = proxyActivities<Activities>({ startToCloseTimeout: '90 seconds', retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' } });

interface Command {
  kind: 'capture' | 'cancel';
  amount?: number;
  actor: string;
  source: EventSource;
  reason?: string;
  done: boolean;
  error?: ApplicationFailure;
}

function apiError(message: string, details: ApiErrorDetails): ApplicationFailure {
  return ApplicationFailure.create({ type: API_ERROR_FAILURE, message, nonRetryable: true, details: [details] });
}

function providerRefusal(error: unknown): { message: string; code: string; param: string | null } | null {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === 'ProviderRequestError') {
    const details = (cause.details?.[0] ?? {}) as { code?: string; param?: string | null };
    return { message: cause.message, code: details.code ?? 'provider_request_error', param: details.param ?? null };
  }
  return null;
}

/** A receipt on success, the reason and next step on failure; once per payment and address. */
async function emailOutcome(payment: Payment): Promise<void> {
  if (payment.status !== 'succeeded' && payment.status !== 'failed') return;
  const contact = await provider.findCustomerContact({ paymentId: payment.id });
  if (!contact) return;
  const succeeded = payment.status === 'succeeded';
  await mail.sendEmail({
    dedupeKey: `${payment.id}:${succeeded ? 'receipt' : 'failed'}:${contact.email}`,
    to: contact.email,
    template: succeeded ? 'payment_receipt' : 'payment_failed',
    locale: contact.locale,
    data: {
      payment_id: payment.id, amount: succeeded ? payment.amount_captured : payment.amount, currency: payment.currency,
      description: payment.description, customer_name: contact.name, paid_at: payment.updated_at,
      failure_code: payment.failure_code, failure_message: payment.failure_message,
    },
  });
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

  setHandler(paymentQuery, () => recorder.payment);
  setHandler(providerEventSignal, (signal) => void inbox.push(signal));
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
        if (!canCapture(recorder.payment.status)) {
          throw apiError(`This payment can't be captured: its status is ${recorder.payment.status}.`, {
            status: 409, type: 'invalid_request_error', code: 'payment_unexpected_state',
          });
        }
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
        if (!canCancel(recorder.payment.status)) {
          throw apiError(`This payment can't be canceled: its status is ${recorder.payment.status}.`, {
            status: 409, type: 'invalid_request_error', code: 'payment_unexpected_state',
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

  try {
    const state = await provider.createProviderPayment({
      provider: input.payment.provider,
      paymentId: input.payment.id,
      paymentMethodType: 'card',
      providerCustomerId: null,
      mandateId: null,
      cancelUrl: input.returnUrl,
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

  const execute = async (command: Command): Promise<void> => {
    const payment = recorder.payment;
    const allowed = command.kind === 'capture' ? canCapture(payment.status) : canCancel(payment.status);
    if (!allowed || !payment.provider_payment_id) {
      command.error = apiError(`This payment can't be ${command.kind === 'capture' ? 'captured' : 'canceled'}: its status is ${payment.status}.`, {
        status: 409, type: 'invalid_request_error', code: 'payment_unexpected_state',
      });
      return;
    }
    const requested: EventDraft = {
      type: `${command.kind}.requested`, source: command.source, actor: command.actor,
      data: { amount_to_capture: command.amount ?? null, reason: command.reason ?? null },
    };
    try {
      const state =
        command.kind === 'capture'
          ? await provider.captureProviderPayment({
              provider: payment.provider, providerPaymentId: payment.provider_payment_id,
              amount: command.amount, idempotencyKey: `${payment.id}:capture`,
            })
          : await provider.cancelProviderPayment({
              provider: payment.provider, providerPaymentId: payment.provider_payment_id, idempotencyKey: `${payment.id}:cancel`,
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

  let pollDelayMs = timing.pollInitialSeconds * 1000;
  while (!isTerminal(recorder.payment.status)) {
    let waitMs = pollDelayMs;
    const expiresAt = authorizedAt === null ? null : authorizedAt + timing.authorizationExpirySeconds * 1000;
    if (recorder.payment.status === 'requires_capture' && expiresAt !== null) waitMs = Math.max(1, Math.min(waitMs, expiresAt - Date.now()));
    const woken = await condition(() => inbox.length > 0 || commands.length > 0, waitMs);
    if (commands.length > 0) {
      const command = commands.shift()!;
      await execute(command);
      command.done = true;
    } else if (woken) {
      await applyInbox();
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
