import { type ApplicationFailure, condition } from '@temporalio/workflow';
import type { DomainRefusal } from '../domain/errors';
import type { Refund } from '../domain/refund';
import { judgeRefundStep, type RefundStepName, type RefundStepVerdict } from '../domain/refund-steps';
import type { AlternativeRefundMethod, ManualTransferSent, RefundAppeal, RefundDecision } from './refund-definitions';
import { domainError } from './workflow-errors';

export interface StepArgs {
  approve: RefundDecision;
  deny: RefundDecision;
  appeal: RefundAppeal;
  alternative_method: AlternativeRefundMethod;
  transfer_sent: ManualTransferSent;
}

export interface TakenStep<S extends RefundStepName = RefundStepName> {
  step: S;
  args: StepArgs[S];
  via: 'update' | 'signal';
  taken: boolean;
  answered: boolean;
  error?: ApplicationFailure;
}

type InboxVerdict = RefundStepVerdict | { verdict: 'join'; pending: TakenStep };

/** Approve and deny answer the same question: one decision at a time. */
const group = (step: RefundStepName) => (step === 'approve' || step === 'deny' ? 'decision' : step);

/**
 * The steps people send a refund, by Update or by signal, waiting for the refund workflow to take them. Each is judged
 * by the one rule (judgeRefundStep) when it arrives: an Update's validator refuses it, a signal is recorded and
 * ignored. An Update is answered once the workflow has recorded its step (answer), or when the refund moved on
 * without it (settle, close).
 */
export class RefundStepInbox {
  private readonly steps: TakenStep[] = [];
  private closed = false;

  constructor(
    private readonly refund: () => Refund,
    /** False when replaying a history from before the rules: every signal is queued, as it was. */
    private readonly rulesApply: boolean,
    private readonly recordIgnored: (step: RefundStepName, actor: string, refusal: DomainRefusal) => Promise<void>,
  ) {}

  private judge<S extends RefundStepName>(step: S, args: StepArgs[S]): InboxVerdict {
    const waiting = this.steps.find((pending) => !pending.answered && group(pending.step) === group(step));
    if (waiting && waiting.step === step) return { verdict: 'join', pending: waiting };
    if (waiting) {
      return { verdict: 'refuse', refusal: { kind: 'state_conflict', code: 'refund_unexpected_state', message: `A ${waiting.step === 'approve' ? 'approval' : 'denial'} of this refund is being recorded.` } };
    }
    const verdict = judgeRefundStep(this.refund(), step, 'reason' in args ? { reason: args.reason } : {});
    if (verdict.verdict === 'take' && this.closed) {
      return { verdict: 'refuse', refusal: { kind: 'state_conflict', code: 'refund_unexpected_state', message: `This refund is ${this.refund().status} and can no longer change.` } };
    }
    return verdict;
  }

  /** The Update validator: refused requests never reach the workflow's history. */
  validate<S extends RefundStepName>(step: S, args: StepArgs[S]): void {
    const verdict = this.judge(step, args);
    if (verdict.verdict === 'refuse') throw domainError(verdict.refusal);
  }

  /** The Update handler: answers with the refund once the workflow has recorded the step (or it was done already). */
  async request<S extends RefundStepName>(step: S, args: StepArgs[S]): Promise<Refund> {
    const verdict = this.judge(step, args);
    if (verdict.verdict === 'refuse') throw domainError(verdict.refusal);
    if (verdict.verdict === 'done') return this.refund();
    const pending = verdict.verdict === 'join' ? verdict.pending : this.enqueue(step, args, 'update');
    await condition(() => pending.answered);
    if (pending.error) throw pending.error;
    return this.refund();
  }

  /** The signal handler: the same rule; a signal that breaks it is recorded in the refund's history and ignored. */
  async signal<S extends RefundStepName>(step: S, args: StepArgs[S]): Promise<void> {
    if (!this.rulesApply) return void this.enqueue(step, args, 'signal');
    const verdict = this.judge(step, args);
    if (verdict.verdict === 'take') return void this.enqueue(step, args, 'signal');
    const refusal: DomainRefusal =
      verdict.verdict === 'refuse' ? verdict.refusal
        : { kind: 'state_conflict', code: verdict.verdict === 'done' ? 'step_already_taken' : 'step_already_requested', message: `The ${step} step was already ${verdict.verdict === 'done' ? 'taken' : 'requested'}.` };
    await this.recordIgnored(step, args.actor, refusal);
  }

  private enqueue<S extends RefundStepName>(step: S, args: StepArgs[S], via: 'update' | 'signal'): TakenStep {
    const pending: TakenStep = { step, args, via, taken: false, answered: false };
    this.steps.push(pending as TakenStep);
    return pending;
  }

  has(...steps: RefundStepName[]): boolean {
    return this.steps.some((pending) => !pending.taken && steps.includes(pending.step));
  }

  /** The main loop takes the oldest waiting step of these names; it answers it once recorded. */
  take<S extends RefundStepName>(...steps: S[]): TakenStep<S> | undefined {
    const pending = this.steps.find((candidate) => !candidate.taken && (steps as RefundStepName[]).includes(candidate.step));
    if (pending) pending.taken = true;
    return pending as TakenStep<S> | undefined;
  }

  answer(pending: TakenStep | undefined): void {
    if (pending) pending.answered = true;
  }

  /** Histories from before the rules dropped stale decisions when a refund reopened on appeal. */
  discard(...steps: RefundStepName[]): void {
    for (const pending of this.steps) if (!pending.taken && steps.includes(pending.step)) Object.assign(pending, { taken: true, answered: true });
  }

  /** After the refund changed: requests it has now done are answered, those it can no longer take are refused. */
  settle(): void {
    for (const pending of this.steps) {
      if (pending.taken || pending.answered || (pending.via === 'signal' && !this.rulesApply)) continue;
      const verdict = judgeRefundStep(this.refund(), pending.step, 'reason' in pending.args ? { reason: pending.args.reason } : {});
      if (verdict.verdict === 'done') pending.answered = true;
      if (verdict.verdict === 'refuse') Object.assign(pending, { answered: true, error: domainError(verdict.refusal) });
    }
  }

  /** The workflow is closing: nothing waiting will be taken. */
  close(): void {
    this.closed = true;
    for (const pending of this.steps) {
      if (pending.answered) continue;
      pending.answered = true;
      pending.taken = true;
      if (pending.via === 'update') {
        pending.error = domainError({ kind: 'state_conflict', code: 'refund_unexpected_state', message: `This refund is ${this.refund().status} and can no longer change.` });
      }
    }
  }
}
