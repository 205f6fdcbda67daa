import { allHandlersFinished, condition } from '@temporalio/workflow';
import type { CustomerContact } from '../activities/customer-contact';
import type { Payment } from '../domain/payment';
import { isTerminal } from '../domain/payment-status';
import type { RiskAssessment } from '../domain/risk';
import { capabilitiesOf, methodCapabilities, sendsPayerAway } from '../providers/capabilities';
import type { PayerReturn, ProviderEventSignal, TakePaymentInput } from './definitions';
import { PaymentAttempts } from './payment-attempts';
import { type CommandContext, judgeCommand, type PaymentCommand } from './payment-command-rules';
import { type EventDraft, PaymentRecorder } from './payment-recorder';
import { type GateVerdict, PaymentRiskGate } from './payment-risk-gate';
import { provider } from './payment-workflow-helpers';
import { ProviderObservations } from './provider-observations';
import { domainError, providerRefusal } from './workflow-errors';

/** How long a PayPal payer has to approve (PayPal's approval links lapse after about three hours). */
const DEFAULT_PAYER_APPROVAL_SECONDS = 3 * 3600;

/** Closing drains payer returns too and waits for every handler; histories from before closed without. */
export const DRAIN_ALL_BEFORE_CLOSE_PATCH = 'drain-all-before-close';

interface QueuedCommand extends PaymentCommand {
  done: boolean;
  error?: ReturnType<typeof domainError>;
}

/**
 * One payment's state and transitions: messages in (webhook and sync events, payer returns, commands), the wait for
 * a final status, and the commands' execution under the rules of payment-command-rules.ts. The workflow function
 * (take-payment.ts) wires the handlers to it and runs its main loop.
 */
export class PaymentProcess {
  readonly recorder: PaymentRecorder;
  readonly observations: ProviderObservations;
  readonly attempts: PaymentAttempts;
  private readonly inbox: ProviderEventSignal[] = [];
  private readonly commands: QueuedCommand[] = [];
  private readonly payerReturns: PayerReturn[] = [];
  private providerStateKnown = false;
  /** The receipt's address, found with the bookkeeping after a succeeded answer; undefined: not looked up. */
  receiptContact: CustomerContact | null | undefined;
  /** Cash and bank transfers: no provider to ask; an admin marks the money received, or it lapses. */
  private readonly settledByMerchant: boolean;
  // Histories from before risk review carry no settings: no gate, no new commands.
  private readonly riskGate: PaymentRiskGate | null;

  constructor(private readonly input: TakePaymentInput) {
    this.recorder = new PaymentRecorder(input.payment, input.resume?.stateVersion ?? 0);
    this.observations = new ProviderObservations(this.recorder);
    this.attempts = new PaymentAttempts(input, this.recorder, this.observations, {
      waiting: () => this.inbox.length > 0 || this.commands.length > 0,
      recordOrRefuse: () => this.recordOrRefuseLateMessages(),
    });
    this.settledByMerchant = capabilitiesOf(input.payment.provider).settledBy === 'merchant';
    this.riskGate = input.risk ? new PaymentRiskGate(this.recorder, input.risk) : null;
  }

  get payment(): Payment {
    return this.recorder.payment;
  }

  // ---- Messages in: what the handlers call ----

  receiveProviderEvent(signal: ProviderEventSignal): void {
    this.inbox.push(signal);
  }

  receivePayerReturn(payerReturn: PayerReturn): void {
    this.payerReturns.push(payerReturn);
  }

  /** Update-with-start waits here: the provider's first answer, or its refusal. */
  async providerAnswer(): Promise<Payment> {
    await condition(() => this.providerStateKnown);
    if (this.attempts.creationError) throw this.attempts.creationError;
    return this.recorder.payment;
  }

  /** The Update validator of every command: the same rule the workflow applies when it gets to the command. */
  validate(command: PaymentCommand): void {
    const verdict = judgeCommand(this.recorder.payment, command, this.commandContext(), 'accept');
    if (verdict.verdict === 'refuse') throw domainError(verdict.refusal);
  }

  /** The Update handler of every command: queued for the main loop, answered once it has been carried out. */
  async command(command: PaymentCommand): Promise<Payment> {
    const queued: QueuedCommand = { ...command, done: false };
    this.commands.push(queued);
    await condition(() => queued.done);
    if (queued.error) throw queued.error;
    return this.recorder.payment;
  }

  private commandContext(): CommandContext {
    return { settledByMerchant: this.settledByMerchant, automaticRetryScheduled: this.attempts.automaticRetryScheduled };
  }

  // ---- Main logic: what the workflow function runs ----

  /** The first lines of the history, the risk rules' verdict, and the first attempt at the provider. */
  async open(): Promise<void> {
    const { input, recorder, riskGate } = this;
    // Risk rules look at the payment before any provider call; what they saw is the history's second line.
    const assessment: RiskAssessment | null = !input.resume && riskGate && recorder.changes.has('risk-review') ? await riskGate.assess(input.payment.payment_method_type) : null;
    if (!input.resume) {
      await recorder.save([
        { type: 'payment.created', source: 'api', actor: input.actor, data: { amount: input.payment.amount, currency: input.payment.currency } },
        ...(assessment ? [{ type: 'risk.assessed', source: 'workflow' as const, actor: 'risk:rules', data: { outcome: assessment.outcome, findings: assessment.findings } }] : []),
      // The caller waits for the provider's answer, not for bookkeeping: the first save's follows the answer too (any
      // later inline save, such as a hold for review, books everything so far).
      ], [], { bookLater: recorder.changes.consolidated() });
    }
    let gate: GateVerdict = 'proceed';
    if (riskGate && assessment) {
      gate = await riskGate.enforce(assessment, {
        answerCaller: () => void (this.providerStateKnown = true),
        hasCancel: () => this.commands.some((command) => command.kind === 'cancel'),
        takeCancel: () => {
          const index = this.commands.findIndex((command) => command.kind === 'cancel');
          return index < 0 ? undefined : this.commands.splice(index, 1)[0];
        },
      });
    }
    if (!this.settledByMerchant && !input.resume && gate === 'proceed') await this.attempts.createAtProvider();
    if (riskGate && assessment) {
      riskGate.finish();
      if (gate === 'proceed' && !this.settledByMerchant) await riskGate.reviewProviderVerdict(this.observations.riskLevel);
    }
    this.providerStateKnown = true;
  }

  /** Follows the current attempt to a final status, then lets what raced it finish. */
  async followToFinalStatus(): Promise<void> {
    const { recorder, input } = this;
    await this.bookAfterAnswer();
    const { timing } = input;
    let pollDelayMs = timing.pollInitialSeconds * 1000;
    let autoCaptureRequested = false;
    const offlineExpiresAt = Date.parse(input.payment.created_at) + (input.offlineExpirySeconds ?? 14 * 24 * 3600) * 1000;
    // A payer sent to the provider's page gets a bounded time to approve (PayPal's approval links lapse too): the
    // payer-return link, the one thing anyone can send this workflow, then stops for good, which bounds its history.
    // Older histories had no limit.
    const awaitsPayer = sendsPayerAway(recorder.payment) && recorder.payment.status === 'requires_action';
    const approvalDeadline = awaitsPayer && recorder.changes.has('payer-approval-window') ? Date.now() + (timing.payerApprovalSeconds ?? DEFAULT_PAYER_APPROVAL_SECONDS) * 1000 : null;
    while (!isTerminal(recorder.payment.status)) {
      const payment = recorder.payment;
      // An approval that arrives as an authorization (PayPal's) is captured by the workflow itself when capture is automatic.
      if (payment.status === 'requires_capture' && payment.capture_method === 'automatic' && !autoCaptureRequested && methodCapabilities(payment.provider, payment.payment_method_type)?.captureOnApproval) {
        autoCaptureRequested = true;
        this.commands.push({ kind: 'capture', actor: 'workflow:auto_capture', source: 'workflow', done: false });
      }
      // A parked payment that polls every minute wakes (and, evicted from the cache, replays) for nothing: P4.
      if (payment.status === 'requires_action' && timing.payerWaitPollSeconds !== undefined) {
        pollDelayMs = Math.max(pollDelayMs, Math.min(timing.payerWaitPollSeconds, timing.pollMaxSeconds) * 1000);
      }
      let waitMs = this.settledByMerchant ? Math.max(1, offlineExpiresAt - Date.now()) : pollDelayMs;
      const authorizedAt = this.observations.authorizedAt;
      const expiresAt = authorizedAt === null ? null : authorizedAt + timing.authorizationExpirySeconds * 1000;
      if (payment.status === 'requires_capture' && expiresAt !== null) waitMs = Math.max(1, Math.min(waitMs, expiresAt - Date.now()));
      if (payment.status === 'requires_action' && approvalDeadline !== null) waitMs = Math.max(1, Math.min(waitMs, approvalDeadline - Date.now()));
      await condition(() => this.inbox.length > 0 || this.commands.length > 0 || this.payerReturns.length > 0, waitMs);
      if (this.commands.length > 0) {
        await this.carryOut(this.commands.shift()!);
      } else if (this.inbox.length > 0) {
        await this.observations.applyEvents(this.inbox);
      } else if (this.payerReturns.length > 0) {
        await this.handlePayerReturn(this.payerReturns.shift()!);
      } else if (this.settledByMerchant) {
        await this.carryOut({ kind: 'cancel', actor: 'workflow:offline_expiry', source: 'workflow', reason: 'unpaid', done: false });
      } else if (recorder.payment.status === 'requires_action' && approvalDeadline !== null && Date.now() >= approvalDeadline) {
        await this.handlePayerReturn({ outcome: 'canceled' }, 'payer_abandoned');
      } else if (recorder.payment.status === 'requires_capture' && expiresAt !== null && Date.now() >= expiresAt) {
        await this.carryOut({ kind: 'cancel', actor: 'workflow:authorization_expiry', source: 'workflow', reason: 'authorization_expired', done: false });
      } else {
        await this.observations.refresh('poll');
        pollDelayMs = Math.min(pollDelayMs * 2, timing.pollMaxSeconds * 1000);
      }
    }

    // Commands that raced the final status are refused; late events are recorded before the workflow closes.
    // A retry request stops the wait: its handler runs until its attempt has been made.
    while ((this.commands.length > 0 || this.inbox.length > 0 || !allHandlersFinished()) && this.attempts.pending === null) {
      await this.recordOrRefuseLateMessages();
      await condition(() => this.commands.length > 0 || this.inbox.length > 0 || allHandlersFinished() || this.attempts.pending !== null);
    }
  }

  /**
   * The bookkeeping the answered save left (a step after the answer), before anything else happens to the payment; a
   * payment that succeeded gets its receipt's address in the same activity, as the receipt is what follows.
   */
  private async bookAfterAnswer(): Promise<void> {
    if (!this.recorder.bookingOwed) return;
    const succeeded = this.recorder.payment.status === 'succeeded';
    const contact = await this.recorder.book(succeeded);
    if (succeeded) this.receiptContact = contact;
  }

  /**
   * Before the workflow closes (after the outcome email): webhooks and commands that arrived meanwhile are recorded or
   * refused, and so are payer returns, and every handler has answered. A retry accepted meanwhile stops this: its
   * attempt comes first. Histories from before the patches closed as they did then.
   */
  async drainBeforeClose(): Promise<void> {
    if (this.recorder.changes.has(DRAIN_ALL_BEFORE_CLOSE_PATCH)) {
      const waiting = () => this.inbox.length > 0 || this.commands.length > 0 || this.payerReturns.length > 0;
      while (!this.attempts.pending && (waiting() || !allHandlersFinished())) {
        await this.recordOrRefuseLateMessages();
        await this.recordLatePayerReturns();
        await condition(() => waiting() || allHandlersFinished() || this.attempts.pending !== null);
      }
      return;
    }
    while (!this.attempts.pending && (this.inbox.length > 0 || this.commands.length > 0) && this.recorder.changes.has('late-messages-before-close')) await this.recordOrRefuseLateMessages();
  }

  private async recordOrRefuseLateMessages(): Promise<void> {
    for (const command of this.commands.splice(0, this.commands.length)) await this.carryOut(command);
    await this.observations.applyEvents(this.inbox);
  }

  /** A payer back from the provider's page after the payment is final changes nothing; the history says so. */
  private async recordLatePayerReturns(): Promise<void> {
    const late = this.payerReturns.splice(0, this.payerReturns.length);
    if (late.length === 0) return;
    await this.recorder.save(late.map(({ outcome }) => ({
      type: 'payer_return.ignored', source: 'api' as const, actor: 'payer', data: { outcome, reason: 'payment_final', status: this.recorder.payment.status },
    })));
  }

  /** Carries out a command the rules still allow now, or answers it with the rule's refusal. */
  private async carryOut(command: QueuedCommand): Promise<void> {
    await this.execute(command);
    command.done = true;
  }

  private async execute(command: QueuedCommand): Promise<void> {
    const { recorder } = this;
    const verdict = judgeCommand(recorder.payment, command, this.commandContext(), 'execute');
    if (verdict.verdict === 'call_off_retry') return this.attempts.callOffAutomaticRetry(command);
    if (verdict.verdict === 'refuse') {
      command.error = domainError(verdict.refusal);
      return;
    }
    const requested: EventDraft = {
      type: `${command.kind}.requested`, source: command.source, actor: command.actor,
      data: { amount_to_capture: command.amount ?? null, reason: command.reason ?? null },
    };
    if (this.settledByMerchant) return this.executeByMerchant(command, requested);
    const payment = recorder.payment;
    const providerPaymentId = payment.provider_payment_id!;
    try {
      const state =
        command.kind === 'capture'
          ? await provider.captureProviderPayment({ provider: payment.provider, providerPaymentId, amount: command.amount, idempotencyKey: `${payment.id}:capture` })
          : await provider.cancelProviderPayment({ provider: payment.provider, providerPaymentId, idempotencyKey: `${payment.id}:cancel` });
      await recorder.save([requested, this.observations.observe(state, { source: command.source, actor: command.actor, data: { step: command.kind } })]);
    } catch (error) {
      const refusal = providerRefusal(error);
      if (!refusal) throw error;
      command.error = domainError({ kind: 'state_conflict', code: refusal.code, message: refusal.message });
      await recorder.save([requested, { type: `${command.kind}.refused`, source: command.source, actor: command.actor, data: refusal }]);
      await this.observations.refresh(`after_${command.kind}_refused`);
    }
  }

  /** Cash and bank transfers settle by an admin's word or lapse: no provider to ask. */
  private async executeByMerchant(command: QueuedCommand, requested: EventDraft): Promise<void> {
    const now = new Date().toISOString();
    const payment = this.recorder.payment;
    const next: Payment = command.kind === 'mark_received'
      ? { ...payment, status: 'succeeded', amount_captured: payment.amount, updated_at: now }
      : { ...payment, status: 'canceled', updated_at: now };
    const data = { step: command.kind, received_amount: command.amount ?? null, reference: command.reference ?? null, reason: command.reason ?? null };
    await this.recorder.save([requested, this.recorder.transition(next, { type: 'status_changed', source: command.source, actor: command.actor, data })]);
  }

  /** Back from the provider's page: ask the provider what happened; a payer who canceled and never approved has failed. */
  private async handlePayerReturn({ outcome }: PayerReturn, lapsed?: 'payer_abandoned'): Promise<void> {
    const { recorder } = this;
    await this.observations.refresh(lapsed ?? `payer_${outcome}`, lapsed ? 'workflow' : 'api');
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
  }
}
