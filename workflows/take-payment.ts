import { allHandlersFinished, type ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import { mergeProviderState, type EventSource, type Payment } from '../domain/payment';
import { attemptNumber, beginNewAttempt, canStartNewAttempt, isEarlierAttempt, nextAutomaticRetryDelay, providerCreateKey } from '../domain/payment-retry';
import { canCancel, canCapture, isTerminal, judgeTransition } from '../domain/payment-status';
import {
  isCancelableProviderId, judgeProviderMoney, moneyMismatchAlert, type MoneyMismatchAlert, providerObjectProblem, providerVoidKey, VERIFIED_PAYMENT_STATUSES,
} from '../domain/provider-money';
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
  type RetryRequest,
  retryUpdate,
  type TakePaymentInput,
} from './definitions';
import { providerCreate } from './hot-path';
import { type EventDraft, PaymentRecorder } from './payment-recorder';

/** How long a PayPal payer has to approve (PayPal's approval links lapse after about three hours). */
const DEFAULT_PAYER_APPROVAL_SECONDS = 3 * 3600;
import { emailOutcome, provider, raiseMoneyMismatch } from './payment-workflow-helpers';
import { domainError, invalidState, providerRefusal } from './workflow-errors';
import { type GateVerdict, PaymentRiskGate } from './payment-risk-gate';
import type { RiskAssessment } from '../domain/risk';

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

interface PendingRetry {
  request: RetryRequest;
  done: boolean;
  error?: ApplicationFailure;
}

/** How one attempt reaches the provider; the first comes from the input, later ones from their retry request. */
interface AttemptMethod {
  number: number;
  method?: TakePaymentInput['method'];
  returnUrl: string;
}

/** One payment, from creation at the provider to a final status; the workflow id is the payment id. */
export async function takePayment(input: TakePaymentInput): Promise<Payment> {
  const recorder = new PaymentRecorder(input.payment, input.resume?.stateVersion ?? 0);
  const { timing } = input;
  const inbox: ProviderEventSignal[] = [];
  const seenProviderEvents = new Set<string>();
  const commands: Command[] = [];
  let providerStateKnown = false;
  let creationError: ApplicationFailure | undefined;
  let authorizedAt: number | null = null;
  const payerReturns: PayerReturn[] = [];
  const offline = input.payment.provider === 'offline';
  // Retries: one at a time; a run started for a retry (input.resume) makes at least that attempt or nothing.
  let pendingRetry: PendingRetry | null = null;
  let attemptInProgress = false;
  let attemptsInRun = 0;
  let automaticRetriesMade = 0;
  // True while a failed payment waits for its automatic retry; a cancel then calls the retry off.
  let automaticRetryScheduled = false;
  let currentAttempt: AttemptMethod = { number: attemptNumber(input.payment), method: input.method, returnUrl: input.returnUrl };
  // Histories from before risk review carry no settings: no gate, no new commands.
  const riskGate = input.risk ? new PaymentRiskGate(recorder, input.risk) : null;
  let providerRiskLevel: string | null = null;

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
    retryUpdate,
    async (request) => {
      const pending: PendingRetry = { request, done: false };
      pendingRetry = pending;
      await condition(() => pending.done);
      if (pending.error) throw pending.error;
      return recorder.payment;
    },
    {
      validator: (_request) => {
        if (pendingRetry !== null || attemptInProgress) {
          throw domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: 'A retry of this payment is already in progress.' });
        }
        if (!canStartNewAttempt(recorder.payment)) throw invalidState(recorder.payment, 'retried');
      },
    },
  );
  setHandler(
    captureUpdate,
    (request) => enqueue({ kind: 'capture', amount: request.amountToCapture, actor: request.actor, source: 'api', done: false }),
    {
      validator: (request) => {
        if (!canCapture(recorder.payment.status) || offline) throw invalidState(recorder.payment, 'captured');
        if (request.amountToCapture !== undefined && request.amountToCapture > recorder.payment.amount) {
          throw domainError({
            kind: 'invalid_input', code: 'amount_too_large', param: 'amount_to_capture', message: `amount_to_capture can't exceed the authorized ${recorder.payment.amount}.`,
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
        if (!canCancel(recorder.payment.status) && !automaticRetryScheduled) throw invalidState(recorder.payment, 'canceled');
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
          throw domainError({
            kind: 'invalid_input', code: 'amount_insufficient', param: 'received_amount',
            message: `Received ${request.receivedAmount} but the payment is for ${recorder.payment.amount}: an under-payment can't settle it.`,
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
    if (state.riskLevel) providerRiskLevel = state.riskLevel;
    return recorder.transition(next, { ...draft, type: 'status_changed', data });
  };

  // Risk rules look at the payment before any provider call; what they saw is the history's second line.
  const assessment: RiskAssessment | null = !input.resume && riskGate && patched('risk-review') ? await riskGate.assess(input.payment.payment_method_type) : null;
  if (!input.resume) {
    await recorder.save([
      { type: 'payment.created', source: 'api', actor: input.actor, data: { amount: input.payment.amount, currency: input.payment.currency } },
      ...(assessment ? [{ type: 'risk.assessed', source: 'workflow' as const, actor: 'risk:rules', data: { outcome: assessment.outcome, findings: assessment.findings } }] : []),
    ]);
  }

  /**
   * A failed attempt is final at the provider too: its intent is canceled before the engine records `failed`, so no
   * later confirmation (the payer's browser with the old client_secret) can charge it. A refused cancel means the
   * provider moved on (say, the payer confirmed another card meanwhile): the provider's state is then the one to apply.
   * Histories recorded before this replay without the cancel.
   */
  const voidIfFailed = async (state: ProviderPaymentState): Promise<ProviderPaymentState> => {
    const payment = recorder.payment;
    if (state.status !== 'failed' || judgeTransition(payment.status, 'failed').kind !== 'apply' || !isCancelableProviderId(state.providerPaymentId)) return state;
    if (!patched('void-failed-attempt')) return state;
    try {
      await provider.cancelProviderPayment({ provider: payment.provider, providerPaymentId: state.providerPaymentId, idempotencyKey: providerVoidKey(payment.id, attemptNumber(payment)) });
      return state;
    } catch (error) {
      if (!providerRefusal(error)) throw error;
      const now = await provider.getProviderPayment({ provider: payment.provider, providerPaymentId: state.providerPaymentId });
      return now.status === 'failed' || now.status === 'canceled' ? state : now;
    }
  };

  /**
   * A hint (webhook, sync signal) that the provider holds money the engine doesn't count: confirmed by reading the
   * provider, then a critical alert. Null when the fresh read shows nothing wrong.
   */
  const confirmedMismatch = async (hint: ProviderPaymentState, noticedBy: 'workflow' | 'retry', local: Payment = recorder.payment): Promise<MoneyMismatchAlert | null> => {
    if (!judgeProviderMoney(local, hint)) return null;
    const fresh = await provider.getProviderPayment({ provider: hint.provider, providerPaymentId: hint.providerPaymentId });
    const reason = judgeProviderMoney(local, fresh);
    return reason ? moneyMismatchAlert(local, fresh, reason, noticedBy) : null;
  };

  /**
   * A webhook or sync signal is a hint: before it moves the payment to money taken or held, the provider's own object
   * is read and must be this payment's (id, amount, currency). Returns the state to observe, or the alert when it
   * doesn't match (then nothing changes). Histories recorded before this replay without the read.
   */
  const verifyHint = async (hint: ProviderPaymentState): Promise<{ state: ProviderPaymentState; alert?: MoneyMismatchAlert }> => {
    const payment = recorder.payment;
    const moves = (VERIFIED_PAYMENT_STATUSES as readonly string[]).includes(hint.status) && judgeTransition(payment.status, hint.status).kind === 'apply';
    if (!moves || !patched('verify-provider-object')) return { state: hint };
    const fresh = await provider.getProviderPayment({ provider: payment.provider, providerPaymentId: hint.providerPaymentId });
    const problem = providerObjectProblem({ id: payment.provider_payment_id, amount: payment.amount, currency: payment.currency }, { id: fresh.providerPaymentId, amount: fresh.amount, currency: fresh.currency });
    if (!problem) return { state: fresh };
    return {
      state: fresh,
      alert: {
        dedupeKey: `provider_object_mismatch:${payment.id}:${fresh.provider}:${fresh.providerPaymentId}`, kind: 'provider_money_mismatch', severity: 'critical',
        message: `A ${fresh.provider} event for payment ${payment.id} names ${fresh.providerPaymentId}, whose ${problem.field} is ${problem.actual} where the payment has ${problem.expected}: nothing was applied`,
        data: { payment_id: payment.id, reason: 'provider_object_mismatch', field: problem.field, expected: problem.expected, actual: problem.actual,
          provider: fresh.provider, provider_payment_id: fresh.providerPaymentId, provider_status: fresh.providerStatus, engine_status: payment.status },
      },
    };
  };

  /** Creates and confirms the payment (one attempt of it) at the provider; a refusal fails it and the creating request. */
  const createAtProvider = async (attempt: AttemptMethod): Promise<void> => {
    const payment = recorder.payment;
    creationError = undefined;
    try {
      const created = await providerCreate()({
        provider: payment.provider,
        paymentId: payment.id,
        paymentMethodType: payment.payment_method_type === 'sepa_debit' || payment.payment_method_type === 'paypal' ? payment.payment_method_type : 'card',
        providerCustomerId: attempt.method?.providerCustomerId ?? null,
        mandateId: attempt.method?.mandateId ?? null,
        cancelUrl: input.cancelUrl ?? attempt.returnUrl,
        amount: payment.amount,
        currency: payment.currency,
        captureMethod: payment.capture_method,
        paymentMethod: payment.payment_method ?? '',
        customerId: payment.customer_id,
        description: payment.description,
        metadata: payment.metadata,
        returnUrl: attempt.returnUrl,
        idempotencyKey: providerCreateKey(payment.id, attempt.number),
      });
      const state = await voidIfFailed(created);
      const data = attempt.number > 1 ? { step: 'create', attempt: attempt.number } : { step: 'create' };
      await recorder.save([observe(state, { source: 'workflow', actor: 'workflow', data })]);
    } catch (error) {
      const refusal = providerRefusal(error);
      if (!refusal) throw error;
      creationError = domainError({ kind: 'invalid_input', code: refusal.code, message: refusal.message, ...(refusal.param ? { param: refusal.param } : {}) });
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

  let gate: GateVerdict = 'proceed';
  if (riskGate && assessment) {
    gate = await riskGate.enforce(assessment, {
      answerCaller: () => void (providerStateKnown = true),
      hasCancel: () => commands.some((command) => command.kind === 'cancel'),
      takeCancel: () => {
        const index = commands.findIndex((command) => command.kind === 'cancel');
        return index < 0 ? undefined : commands.splice(index, 1)[0];
      },
    });
  }
  // Cash and bank transfers have no provider: they wait for an admin to mark them received.
  if (!offline && !input.resume && gate === 'proceed') await createAtProvider(currentAttempt);
  if (riskGate && assessment) {
    riskGate.finish();
    if (gate === 'proceed' && !offline) await riskGate.reviewProviderVerdict(providerRiskLevel);
  }
  providerStateKnown = true;

  const applyInbox = async (): Promise<void> => {
    while (inbox.length > 0) {
      const batch = inbox.splice(0, inbox.length);
      const drafts: EventDraft[] = [];
      const alerts: MoneyMismatchAlert[] = [];
      for (const { event, source, webhookEventId } of batch) {
        const data = { provider_event_id: event.eventId, provider_event_type: event.type, webhook_event_id: webhookEventId };
        const draft = { source, actor: `${event.provider}:${source}`, data };
        if (seenProviderEvents.has(event.eventId)) {
          drafts.push({ ...draft, type: 'provider_event.ignored', data: { ...data, reason: 'duplicate' } });
        } else if (!event.state) {
          seenProviderEvents.add(event.eventId);
          drafts.push({ ...draft, type: 'provider_event.received' });
        } else if (isEarlierAttempt(recorder.payment, event.state.providerPaymentId)) {
          // A retried payment's earlier provider payment: its news (say, its decline) is not the current attempt's.
          seenProviderEvents.add(event.eventId);
          drafts.push({ ...draft, type: 'provider_event.ignored', data: { ...data, reason: 'earlier_attempt', provider_status: event.state.providerStatus } });
          if (judgeProviderMoney(recorder.payment, event.state) && patched('provider-money-mismatch')) {
            const alert = await confirmedMismatch(event.state, 'workflow');
            if (alert) alerts.push(alert);
          }
        } else {
          seenProviderEvents.add(event.eventId);
          const verified = await verifyHint(event.state);
          if (verified.alert) {
            alerts.push(verified.alert);
            drafts.push({ ...draft, type: 'provider_state.ignored', data: { ...data, reason: 'provider_object_mismatch', observed_status: event.state.status } });
            continue;
          }
          const observed = observe(await voidIfFailed(verified.state), draft);
          drafts.push(observed);
          if (observed.type === 'provider_state.ignored' && judgeProviderMoney(recorder.payment, event.state) && patched('provider-money-mismatch')) {
            const alert = await confirmedMismatch(event.state, 'workflow');
            if (alert) alerts.push(alert);
          }
        }
      }
      const processed = batch.map((signal) => signal.webhookEventId).filter((id): id is number => id !== null);
      for (const alert of alerts) drafts.push({ type: 'provider_money_mismatch', source: 'workflow', actor: 'workflow', data: alert.data });
      await recorder.save(drafts, processed);
      for (const alert of alerts) await raiseMoneyMismatch(alert);
    }
  };

  const refreshFromProvider = async (reason: string, source: EventSource = 'workflow'): Promise<void> => {
    const providerPaymentId = recorder.payment.provider_payment_id;
    if (!providerPaymentId) return;
    const state = await voidIfFailed(await provider.getProviderPayment({ provider: recorder.payment.provider, providerPaymentId }));
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

  /** The merchant gives up on a failed payment: no automatic retry; it stays failed and can still be retried by hand. */
  const cancelAutomaticRetry = async (command: Command): Promise<void> => {
    const dueAt = recorder.payment.next_retry_at;
    automaticRetryScheduled = false;
    recorder.payment = { ...recorder.payment, next_retry_at: null };
    await recorder.save([{ type: 'retry.canceled', source: command.source, actor: command.actor, data: { due_at: dueAt, reason: command.reason ?? null } }]);
  };

  const execute = async (command: Command): Promise<void> => {
    if (command.kind === 'cancel' && automaticRetryScheduled) return cancelAutomaticRetry(command);
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
      command.error = domainError({ kind: 'state_conflict', code: refusal.code, message: refusal.message });
      await recorder.save([requested, { type: `${command.kind}.refused`, source: command.source, actor: command.actor, data: refusal }]);
      await refreshFromProvider(`after_${command.kind}_refused`);
    }
  };

  /** Back from PayPal: ask the provider what happened; a payer who canceled and never approved has failed. */
  const handlePayerReturn = async ({ outcome }: PayerReturn, lapsed?: 'payer_abandoned'): Promise<void> => {
    await refreshFromProvider(lapsed ?? `payer_${outcome}`, lapsed ? 'workflow' : 'api');
    if (outcome !== 'canceled' || recorder.payment.status !== 'requires_action') return;
    const code = lapsed ?? 'payer_canceled';
    const failed: Payment = {
      ...recorder.payment, status: 'failed', next_action: null, failure_code: code,
      failure_message: lapsed
        ? 'The payer did not approve the payment in time. Offer to try again or to choose another way to pay.'
        : 'The payer canceled at the payment provider. Offer to try again or to choose another way to pay.',
      failure_details: { provider_code: code, provider_decline_code: null, provider_message: null },
      updated_at: new Date().toISOString(),
    };
    const by = lapsed ? { source: 'workflow' as const, actor: 'workflow:approval_window' } : { source: 'api' as const, actor: 'payer' };
    await recorder.save([recorder.transition(failed, { type: 'status_changed', ...by, data: { step: code } })]);
  };

  const offlineExpiresAt = Date.parse(input.payment.created_at) + (input.offlineExpirySeconds ?? 14 * 24 * 3600) * 1000;

  /** Follows the current attempt to a final status, then lets what raced it finish. */
  const followToFinalStatus = async (): Promise<void> => {
    let pollDelayMs = timing.pollInitialSeconds * 1000;
    let autoCaptureRequested = false;
    // A PayPal payer gets a bounded time to approve (PayPal's approval links lapse too): the payer-return link, the one
    // thing anyone can send this workflow, then stops for good, which bounds its history. Older histories had no limit.
    const awaitsPayer = recorder.payment.provider === 'paypal' && recorder.payment.status === 'requires_action';
    const approvalDeadline = awaitsPayer && patched('payer-approval-window') ? Date.now() + (timing.payerApprovalSeconds ?? DEFAULT_PAYER_APPROVAL_SECONDS) * 1000 : null;
    while (!isTerminal(recorder.payment.status)) {
      // PayPal approvals arrive as authorizations: an automatic-capture payment captures them itself.
      if (recorder.payment.status === 'requires_capture' && recorder.payment.capture_method === 'automatic' && !autoCaptureRequested && !offline) {
        autoCaptureRequested = true;
        commands.push({ kind: 'capture', actor: 'workflow:auto_capture', source: 'workflow', done: false });
      }
      let waitMs = offline ? Math.max(1, offlineExpiresAt - Date.now()) : pollDelayMs;
      const expiresAt = authorizedAt === null ? null : authorizedAt + timing.authorizationExpirySeconds * 1000;
      if (recorder.payment.status === 'requires_capture' && expiresAt !== null) waitMs = Math.max(1, Math.min(waitMs, expiresAt - Date.now()));
      if (recorder.payment.status === 'requires_action' && approvalDeadline !== null) waitMs = Math.max(1, Math.min(waitMs, approvalDeadline - Date.now()));
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
      } else if (recorder.payment.status === 'requires_action' && approvalDeadline !== null && Date.now() >= approvalDeadline) {
        await handlePayerReturn({ outcome: 'canceled' }, 'payer_abandoned');
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
    // A retry request stops the wait: its handler runs until its attempt has been made.
    while ((commands.length > 0 || inbox.length > 0 || !allHandlersFinished()) && pendingRetry === null) {
      await refuseAndRecordLateMessages();
      await condition(() => commands.length > 0 || inbox.length > 0 || allHandlersFinished() || pendingRetry !== null);
    }
  };

  const refuseAndRecordLateMessages = async (): Promise<void> => {
    for (const command of commands.splice(0, commands.length)) {
      await execute(command);
      command.done = true;
    }
    await applyInbox();
  };

  /**
   * The next attempt of a failed payment: a retry request, or an automatic retry of a soft decline after its delay on a
   * durable timer. A retry request during the wait takes the automatic one's place. Null: the payment is done.
   */
  const nextAttempt = async (): Promise<PendingRetry | null> => {
    if (pendingRetry) return pendingRetry;
    if (!canStartNewAttempt(recorder.payment)) return null;
    if (input.resume && attemptsInRun === 0) {
      // This run was started for the retry request that arrives with it.
      await condition(() => pendingRetry !== null, '1 minute');
      return pendingRetry;
    }
    const delaySeconds = nextAutomaticRetryDelay(recorder.payment, automaticRetriesMade, timing.automaticRetries);
    if (delaySeconds === null) return null;
    const dueAt = Date.now() + delaySeconds * 1000;
    const upcoming = attemptNumber(recorder.payment) + 1;
    recorder.payment = { ...recorder.payment, next_retry_at: new Date(dueAt).toISOString() };
    automaticRetryScheduled = true;
    await recorder.save([{
      type: 'retry.scheduled', source: 'workflow', actor: 'workflow:auto_retry',
      data: { attempt: upcoming, due_at: recorder.payment.next_retry_at, delay_seconds: delaySeconds, failure_code: recorder.payment.failure_code },
    }]);
    while (pendingRetry === null && automaticRetryScheduled && Date.now() < dueAt) {
      await condition(() => pendingRetry !== null || inbox.length > 0 || commands.length > 0, Math.max(1, dueAt - Date.now()));
      await refuseAndRecordLateMessages();
    }
    const canceled = !automaticRetryScheduled;
    automaticRetryScheduled = false;
    if (pendingRetry) return pendingRetry;
    if (canceled) return null;
    automaticRetriesMade += 1;
    const payment = recorder.payment;
    return {
      done: false,
      request: {
        actor: 'workflow:auto_retry', requestId: null, trigger: 'automatic',
        paymentMethod: payment.payment_method, paymentMethodType: payment.payment_method_type, savedPaymentMethodId: payment.saved_payment_method_id,
        method: currentAttempt.method ?? { providerCustomerId: null, mandateId: null }, returnUrl: currentAttempt.returnUrl,
      },
    };
  };

  /**
   * A new intent only once the failed one is canceled at the provider (idempotent: usually it was on failure). False
   * when the provider shows money on it after all: the alert is raised and no new attempt is made.
   */
  const voidBeforeRetry = async (failed: Payment): Promise<boolean> => {
    if (!isCancelableProviderId(failed.provider_payment_id) || !patched('void-before-retry')) return true;
    const target = { provider: failed.provider, providerPaymentId: failed.provider_payment_id };
    try {
      await provider.cancelProviderPayment({ ...target, idempotencyKey: providerVoidKey(failed.id, attemptNumber(failed)) });
      return true;
    } catch (error) {
      if (!providerRefusal(error)) throw error;
    }
    const state = await provider.getProviderPayment(target);
    const alert = await confirmedMismatch(state, 'retry', failed);
    if (!alert) return true;
    await recorder.save([{ type: 'provider_money_mismatch', source: 'workflow', actor: 'workflow', data: alert.data }]);
    await raiseMoneyMismatch(alert);
    return false;
  };

  /** Claims the new attempt (refused if the payment changed meanwhile) and asks the provider again. */
  const makeAttempt = async (pending: PendingRetry): Promise<boolean> => {
    const { request } = pending;
    const before = recorder.payment;
    if (!(await voidBeforeRetry(before))) {
      pending.error = domainError({
        kind: 'state_conflict', code: 'provider_money_mismatch',
        message: 'The provider holds money on this payment\'s last attempt: an admin has been alerted. Nothing new was charged.',
      });
      pending.done = true;
      if (pendingRetry === pending) pendingRetry = null;
      return false;
    }
    const next = beginNewAttempt(before, {
      paymentMethod: request.paymentMethod, paymentMethodType: request.paymentMethodType,
      savedPaymentMethodId: request.savedPaymentMethodId, now: new Date().toISOString(),
    });
    attemptInProgress = true;
    const claimed = await recorder.claimAttempt(next, {
      type: 'attempt.started', source: request.trigger === 'manual' ? 'api' : 'workflow', actor: request.actor,
      data: {
        attempt: next.attempt_count, trigger: request.trigger, request_id: request.requestId,
        provider_idempotency_key: providerCreateKey(next.id, attemptNumber(next)),
        payment_method: next.payment_method, payment_method_type: next.payment_method_type,
        previous_failure: { attempt: attemptNumber(before), failure_code: before.failure_code, failure_message: before.failure_message, provider_payment_id: before.provider_payment_id },
      },
    });
    if (claimed) {
      attemptsInRun += 1;
      authorizedAt = null;
      if (request.trigger === 'manual') automaticRetriesMade = 0;
      currentAttempt = { number: attemptNumber(next), method: request.method, returnUrl: request.returnUrl };
      await createAtProvider(currentAttempt);
      pending.error = creationError;
    } else {
      pending.error = domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: 'This payment changed while the retry was starting. Read it again before retrying.' });
    }
    attemptInProgress = false;
    pending.done = true;
    if (pendingRetry === pending) pendingRetry = null;
    return claimed;
  };

  for (;;) {
    await followToFinalStatus();
    const pending = await nextAttempt();
    if (pending) {
      // A refused claim means another run or a sync moved the payment on: nothing here is current any more.
      if (!(await makeAttempt(pending))) return recorder.payment;
      continue;
    }
    // A run started for a retry that never came has nothing to tell anyone.
    if (input.resume && attemptsInRun === 0) return recorder.payment;
    // Only once the payment is done: no email while an automatic retry is still scheduled.
    // Histories recorded before emails existed replay without them.
    if (patched('payment-emails')) await emailOutcome(recorder.payment);
    // Webhooks and commands that arrived while the email went out are recorded (or refused) before the workflow
    // closes: returning would drop them. Histories recorded before this closed without looking.
    while (!pendingRetry && (inbox.length > 0 || commands.length > 0) && patched('late-messages-before-close')) await refuseAndRecordLateMessages();
    // A retry accepted while the email went out still gets its attempt.
    if (!pendingRetry) return recorder.payment;
  }
}
