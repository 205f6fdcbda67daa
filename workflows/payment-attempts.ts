import { type ApplicationFailure, condition } from '@temporalio/workflow';
import type { DomainRefusal } from '../domain/errors';
import type { Payment } from '../domain/payment';
import { attemptNumber, beginNewAttempt, canStartNewAttempt, nextAutomaticRetryDelay, providerCreateKey } from '../domain/payment-retry';
import { isCancelableProviderId, providerVoidKey } from '../domain/provider-money';
import type { RetryRequest, TakePaymentInput } from './definitions';
import { BOOK_AFTER_ANSWER_PATCH, providerCreate } from './hot-path';
import type { PaymentCommand } from './payment-command-rules';
import type { PaymentRecorder } from './payment-recorder';
import { provider, raiseMoneyMismatch } from './payment-workflow-helpers';
import type { ProviderObservations } from './provider-observations';
import { domainError, providerRefusal } from './workflow-errors';

/** A retry whose last attempt the provider can't show is refused; histories from before failed the workflow. */
export const UNVERIFIED_ATTEMPT_PATCH = 'retry-refused-unverified-attempt';

export interface PendingRetry {
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

/** What the attempts need from the rest of the workflow while an automatic retry waits: late messages to record. */
export interface LateMessages {
  waiting(): boolean;
  recordOrRefuse(): Promise<void>;
}

/**
 * A payment's attempts at the provider: the first, then retries (one at a time) by request or on the automatic
 * schedule. A run started for a retry (input.resume) makes at least that attempt or nothing.
 */
export class PaymentAttempts {
  pending: PendingRetry | null = null;
  private inProgress = false;
  madeInRun = 0;
  private automaticRetriesMade = 0;
  /** True while a failed payment waits for its automatic retry; a cancel then calls the retry off. */
  automaticRetryScheduled = false;
  /** The provider's refusal of the last creation: the creating (or retrying) request fails with it. */
  creationError: ApplicationFailure | undefined;
  private current: AttemptMethod;

  constructor(
    private readonly input: TakePaymentInput,
    private readonly recorder: PaymentRecorder,
    private readonly observations: ProviderObservations,
    private readonly lateMessages: LateMessages,
  ) {
    this.current = { number: attemptNumber(input.payment), method: input.method, returnUrl: input.returnUrl };
  }

  // ---- The retry Update ----

  /** The one rule for a retry request, for the validator. */
  refuseRetry(): void {
    if (this.pending !== null || this.inProgress) {
      throw domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: 'A retry of this payment is already in progress.' });
    }
    if (!canStartNewAttempt(this.recorder.payment)) {
      throw domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: `This payment can't be retried: its status is ${this.recorder.payment.status}.` });
    }
  }

  /** Answers like creation, once the provider has answered the new attempt. */
  async request(request: RetryRequest): Promise<Payment> {
    const pending: PendingRetry = { request, done: false };
    this.pending = pending;
    await condition(() => pending.done);
    if (pending.error) throw pending.error;
    return this.recorder.payment;
  }

  // ---- Attempts ----

  /** Creates and confirms the payment (one attempt of it) at the provider; a refusal fails it and the creating request. */
  async createAtProvider(attempt: AttemptMethod = this.current): Promise<void> {
    const payment = this.recorder.payment;
    this.creationError = undefined;
    try {
      const created = await providerCreate(this.recorder.changes)({
        provider: payment.provider,
        paymentId: payment.id,
        paymentMethodType: payment.payment_method_type === 'sepa_debit' || payment.payment_method_type === 'paypal' ? payment.payment_method_type : 'card',
        providerCustomerId: attempt.method?.providerCustomerId ?? null,
        mandateId: attempt.method?.mandateId ?? null,
        cancelUrl: this.input.cancelUrl ?? attempt.returnUrl,
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
      const state = await this.observations.voidIfFailed(created);
      const data = attempt.number > 1 ? { step: 'create', attempt: attempt.number } : { step: 'create' };
      await this.recorder.save([this.observations.observe(state, { source: 'workflow', actor: 'workflow', data })], [], { bookLater: this.recorder.changes.has(BOOK_AFTER_ANSWER_PATCH) });
    } catch (error) {
      const refusal = providerRefusal(error);
      if (!refusal) throw error;
      this.creationError = domainError({ kind: 'invalid_input', code: refusal.code, message: refusal.message, ...(refusal.param ? { param: refusal.param } : {}) });
      const failed: Payment = {
        ...this.recorder.payment,
        status: 'failed',
        failure_code: refusal.code,
        failure_message: refusal.message,
        failure_details: { provider_code: refusal.code, provider_decline_code: null, provider_message: refusal.message },
        updated_at: new Date().toISOString(),
      };
      const refused = this.recorder.transition(failed, { type: 'status_changed', source: 'workflow', actor: 'workflow', data: { step: 'create', refused: true } });
      await this.recorder.save([refused], [], { bookLater: this.recorder.changes.has(BOOK_AFTER_ANSWER_PATCH) });
    }
  }

  /**
   * The next attempt of a failed payment: a retry request, or an automatic retry of a soft decline after its delay on a
   * durable timer. A retry request during the wait takes the automatic one's place. Null: the payment is done.
   */
  async next(): Promise<PendingRetry | null> {
    if (this.pending) return this.pending;
    const { input, recorder } = this;
    if (!canStartNewAttempt(recorder.payment)) return null;
    if (input.resume && this.madeInRun === 0) {
      // This run was started for the retry request that arrives with it.
      await condition(() => this.pending !== null, '1 minute');
      return this.pending;
    }
    const delaySeconds = nextAutomaticRetryDelay(recorder.payment, this.automaticRetriesMade, input.timing.automaticRetries);
    if (delaySeconds === null) return null;
    const dueAt = Date.now() + delaySeconds * 1000;
    const upcoming = attemptNumber(recorder.payment) + 1;
    recorder.payment = { ...recorder.payment, next_retry_at: new Date(dueAt).toISOString() };
    this.automaticRetryScheduled = true;
    await recorder.save([{
      type: 'retry.scheduled', source: 'workflow', actor: 'workflow:auto_retry',
      data: { attempt: upcoming, due_at: recorder.payment.next_retry_at, delay_seconds: delaySeconds, failure_code: recorder.payment.failure_code },
    }]);
    while (this.pending === null && this.automaticRetryScheduled && Date.now() < dueAt) {
      await condition(() => this.pending !== null || this.lateMessages.waiting(), Math.max(1, dueAt - Date.now()));
      await this.lateMessages.recordOrRefuse();
    }
    const canceled = !this.automaticRetryScheduled;
    this.automaticRetryScheduled = false;
    if (this.pending) return this.pending;
    if (canceled) return null;
    this.automaticRetriesMade += 1;
    const payment = recorder.payment;
    return {
      done: false,
      request: {
        actor: 'workflow:auto_retry', requestId: null, trigger: 'automatic',
        paymentMethod: payment.payment_method, paymentMethodType: payment.payment_method_type, savedPaymentMethodId: payment.saved_payment_method_id,
        method: this.current.method ?? { providerCustomerId: null, mandateId: null }, returnUrl: this.current.returnUrl,
      },
    };
  }

  /** The merchant gives up on a failed payment: no automatic retry; it stays failed and can still be retried by hand. */
  async callOffAutomaticRetry(command: PaymentCommand): Promise<void> {
    const dueAt = this.recorder.payment.next_retry_at;
    this.automaticRetryScheduled = false;
    this.recorder.payment = { ...this.recorder.payment, next_retry_at: null };
    await this.recorder.save([{ type: 'retry.canceled', source: command.source, actor: command.actor, data: { due_at: dueAt, reason: command.reason ?? null } }]);
  }

  /**
   * A new intent only once the failed one is canceled at the provider (idempotent: usually it was on failure). The
   * refusal when the provider shows money on it after all (the alert is raised), or can't show it at all: no new
   * attempt is made then. Null: go ahead.
   */
  private async refusalBeforeRetry(failed: Payment): Promise<DomainRefusal | null> {
    if (!isCancelableProviderId(failed.provider_payment_id) || !this.recorder.changes.has('void-before-retry')) return null;
    const target = { provider: failed.provider, providerPaymentId: failed.provider_payment_id };
    try {
      await provider.cancelProviderPayment({ ...target, idempotencyKey: providerVoidKey(failed.id, attemptNumber(failed)) });
      return null;
    } catch (error) {
      if (!providerRefusal(error)) throw error;
    }
    let state: Awaited<ReturnType<typeof provider.getProviderPayment>>;
    try {
      state = await provider.getProviderPayment(target);
    } catch (error) {
      // The provider doesn't know the last attempt (another account's, or its data cleared): nothing shows it holds no
      // money, so the retry is refused. Histories from before failed the workflow here (and the API answered 503).
      const refusal = providerRefusal(error);
      if (!refusal || !this.recorder.changes.has(UNVERIFIED_ATTEMPT_PATCH)) throw error;
      await this.recorder.save([{
        type: 'retry.refused', source: 'workflow', actor: 'workflow',
        data: { reason: 'previous_attempt_unverified', provider_payment_id: failed.provider_payment_id, provider_code: refusal.code, provider_message: refusal.message },
      }]);
      return {
        kind: 'state_conflict', code: 'previous_attempt_unverified',
        message: `The provider can't show this payment's last attempt (${failed.provider_payment_id}: ${refusal.message}), so no new attempt was made. Create a new payment instead.`,
      };
    }
    const alert = await this.observations.confirmedMismatch(state, 'retry', failed);
    if (!alert) return null;
    await this.recorder.save([{ type: 'provider_money_mismatch', source: 'workflow', actor: 'workflow', data: alert.data }]);
    await raiseMoneyMismatch(alert);
    return {
      kind: 'state_conflict', code: 'provider_money_mismatch',
      message: 'The provider holds money on this payment\'s last attempt: an admin has been alerted. Nothing new was charged.',
    };
  }

  /** Claims the new attempt (refused if the payment changed meanwhile) and asks the provider again. */
  async make(pending: PendingRetry): Promise<boolean> {
    const { request } = pending;
    const before = this.recorder.payment;
    const refusal = await this.refusalBeforeRetry(before);
    if (refusal) {
      pending.error = domainError(refusal);
      this.finish(pending);
      return false;
    }
    const next = beginNewAttempt(before, {
      paymentMethod: request.paymentMethod, paymentMethodType: request.paymentMethodType,
      savedPaymentMethodId: request.savedPaymentMethodId, now: new Date().toISOString(),
    });
    this.inProgress = true;
    const claimed = await this.recorder.claimAttempt(next, {
      type: 'attempt.started', source: request.trigger === 'manual' ? 'api' : 'workflow', actor: request.actor,
      data: {
        attempt: next.attempt_count, trigger: request.trigger, request_id: request.requestId,
        provider_idempotency_key: providerCreateKey(next.id, attemptNumber(next)),
        payment_method: next.payment_method, payment_method_type: next.payment_method_type,
        previous_failure: { attempt: attemptNumber(before), failure_code: before.failure_code, failure_message: before.failure_message, provider_payment_id: before.provider_payment_id },
      },
    });
    if (claimed) {
      this.madeInRun += 1;
      this.observations.authorizedAt = null;
      if (request.trigger === 'manual') this.automaticRetriesMade = 0;
      this.current = { number: attemptNumber(next), method: request.method, returnUrl: request.returnUrl };
      await this.createAtProvider(this.current);
      pending.error = this.creationError;
    } else {
      pending.error = domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: 'This payment changed while the retry was starting. Read it again before retrying.' });
    }
    this.inProgress = false;
    this.finish(pending);
    return claimed;
  }

  private finish(pending: PendingRetry): void {
    pending.done = true;
    if (this.pending === pending) this.pending = null;
  }
}
