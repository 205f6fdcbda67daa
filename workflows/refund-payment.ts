import { allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_CALL, STORAGE } from './activity-options';
import type { RefundHistoryLine } from '../activities/refund-activities';
import type { EmailTemplateName } from '../domain/email-templates';
import { ibanLast4, normalizeIban } from '../domain/iban';
import type { ProviderRefundState } from '../domain/provider-types';
import { providerObjectProblem } from '../domain/provider-money';
import { classifyRefundFailure, qualifiesForAutoApproval, type Refund } from '../domain/refund';
import { domainError } from './workflow-errors';
import {
  alternativeMethodSignal,
  appealRefundUpdate,
  decideRefundUpdate,
  manualTransferSentSignal,
  markTransferSentUpdate,
  type ProviderRefundSignal,
  providerRefundSignal,
  refundAppealSignal,
  type RefundDecision,
  refundDecisionSignal,
  type RefundPaymentInput,
  refundQuery,
  refundRequestedUpdate,
  setAlternativeMethodUpdate,
} from './refund-definitions';
import { RefundStepInbox, type TakenStep } from './refund-step-inbox';

const storage = proxyActivities<Activities>(STORAGE);
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const notification = proxyActivities<Activities>(NOTIFICATION);

/** Appeals re-check only the amount: the refund window was met when the refund was first requested. */
const APPEAL_WINDOW_DAYS = 36_500;

const FAILURE_REASONS: Record<string, string> = {
  expired_or_canceled_card: 'The card used for the payment has expired or been closed.',
  lost_or_stolen_card: 'The card used for the payment was reported lost or stolen.',
  unknown: 'The bank could not return the money to the original payment method.',
};

/**
 * One refund, from request to money returned (or denial, or expiry); the workflow id is the refund id.
 * Admins decide by Update (the API) or signal (operators); the amount stays reserved until the refund succeeds, is denied or expires.
 */
export async function refundPayment(input: RefundPaymentInput): Promise<Refund> {
  let refund = input.refund;
  let version = 0;
  let known = false;
  let requestError: ApplicationFailure | undefined;
  // Steps are judged by their rules from here on; histories from before queued every signal as it came.
  const rulesApply = patched('refund-step-rules');
  const providerEvents: ProviderRefundSignal[] = [];
  const seenEvents = new Set<string>();
  const { timing } = input;

  setHandler(refundQuery, () => refund);
  setHandler(refundRequestedUpdate, async () => {
    await condition(() => known);
    if (requestError) throw requestError;
    return refund;
  });
  const save = async (next: Refund, line: RefundHistoryLine) => {
    version += 1;
    refund = next;
    await storage.saveRefund({ refund, version, line });
    steps.settle();
  };
  const steps = new RefundStepInbox(() => refund, rulesApply, (step, actor, refusal) =>
    save(refund, { type: 'refund.step_ignored', source: 'api', actor, data: { step, code: refusal.code, reason: refusal.message } }));
  // ---- Handlers: the API's Updates and the operators' signals, one rule per step ----
  setHandler(decideRefundUpdate, (decision) => steps.request(decision.decision, decision), { validator: (decision) => steps.validate(decision.decision, decision) });
  setHandler(appealRefundUpdate, (appeal) => steps.request('appeal', appeal), { validator: (appeal) => steps.validate('appeal', appeal) });
  setHandler(setAlternativeMethodUpdate, (method) => steps.request('alternative_method', method), { validator: (method) => steps.validate('alternative_method', method) });
  setHandler(markTransferSentUpdate, (sent) => steps.request('transfer_sent', sent), { validator: (sent) => steps.validate('transfer_sent', sent) });
  setHandler(refundDecisionSignal, (decision) => steps.signal(decision.decision, decision));
  setHandler(refundAppealSignal, (appeal) => steps.signal('appeal', appeal));
  setHandler(alternativeMethodSignal, (method) => steps.signal('alternative_method', method));
  setHandler(manualTransferSentSignal, (sent) => steps.signal('transfer_sent', sent));
  setHandler(providerRefundSignal, (signal) => void providerEvents.push(signal));

  // ---- Main logic ----
  const now = () => new Date().toISOString();
  const finish = async () => {
    steps.close();
    await condition(allHandlersFinished);
    return refund;
  };

  version += 1;
  const reservation = await storage.reserveRefund({ refund, requestedAmount: input.requestedAmount, windowDays: input.windowDays, now: Date.now(), version, autoApproval: input.autoApproval });
  if (!reservation.ok) {
    const { ok: _ok, ...refusal } = reservation;
    requestError = domainError(refusal);
    known = true;
    return finish();
  }
  refund = reservation.refund;
  known = true;
  const payment = reservation.payment;

  const contact = await storage.findCustomerContact({ paymentId: refund.payment_id });
  const emailData = () => ({ refund_id: refund.id, payment_id: refund.payment_id, amount: refund.amount, currency: refund.currency, reason: refund.reason, details: refund.details, requested_at: refund.requested_at });
  const emailCustomer = async (template: EmailTemplateName, occasion: string, data: Record<string, unknown> = {}) => {
    if (!contact) return;
    await notification.sendEmail({ dedupeKey: `${refund.id}:${occasion}:${contact.email}`, to: contact.email, template, locale: contact.locale, data: { ...emailData(), customer_name: contact.name, ...data } });
  };
  const emailAdmins = async (template: EmailTemplateName, occasion: string) => {
    for (const admin of input.adminEmails) {
      await notification.sendEmail({ dedupeKey: `${refund.id}:${occasion}:${admin}`, to: admin, template, locale: 'en', data: emailData() });
    }
  };

  /** Waits for an admin, reminding them once; undefined when review time runs out. */
  const waitForDecision = async (): Promise<TakenStep<'approve' | 'deny'> | undefined> => {
    const decided = () => steps.has('approve', 'deny');
    const reminderMs = Math.min(timing.reviewReminderSeconds, timing.reviewExpirySeconds) * 1000;
    if (!(await condition(decided, reminderMs))) {
      await emailAdmins('refund_review_reminder', `reminder:${refund.appeal_count}`);
      const remainingMs = Math.max(1, timing.reviewExpirySeconds * 1000 - reminderMs);
      if (!(await condition(decided, remainingMs))) return undefined;
    }
    return steps.take('approve', 'deny');
  };

  // Review, with one appeal after a denial.
  for (;;) {
    // Decided with the reservation, against the payment's cap; older histories decided here, one refund at a time.
    const auto = refund.appeal_count === 0 && (reservation.autoApproved ?? qualifiesForAutoApproval(input.autoApproval, refund.amount, payment.created_at, Date.now()));
    let decision: RefundDecision | undefined;
    let taken: TakenStep<'approve' | 'deny'> | undefined;
    if (auto) {
      decision = { decision: 'approve', actor: 'rule:auto_approval', reason: `at most ${input.autoApproval!.maxAmount} per payment within ${input.autoApproval!.withinHours} h of payment` };
    } else {
      await emailAdmins('refund_requested', `requested:${refund.appeal_count}`);
      taken = await waitForDecision();
      decision = taken?.args;
    }
    if (!decision) {
      await save({ ...refund, status: 'expired' }, { type: 'refund.expired', source: 'workflow', actor: 'workflow:review_expiry', data: {} });
      return finish();
    }
    const decided: Refund = { ...refund, decided_by: decision.actor, decided_at: now(), decision_reason: decision.reason };
    const source = auto ? 'workflow' : 'api';
    if (decision.decision === 'approve') {
      await save({ ...decided, status: 'approved' }, { type: 'refund.approved', source, actor: decision.actor, data: { reason: decision.reason } });
      steps.answer(taken);
      await emailCustomer('refund_approved', 'approved');
      break;
    }
    await save({ ...decided, status: 'denied' }, { type: 'refund.denied', source, actor: decision.actor, data: { reason: decision.reason } });
    steps.answer(taken);
    await emailCustomer('refund_denied', `denied:${refund.appeal_count}`, { decision_reason: decision.reason });
    if (refund.appeal_count >= 1 || !(await condition(() => steps.has('appeal'), timing.appealWindowSeconds * 1000))) return finish();
    const appealStep = steps.take('appeal')!;
    const appeal = appealStep.args;
    steps.discard('approve', 'deny');
    version += 1;
    const reopened: Refund = { ...refund, status: 'pending_review', appeal_count: refund.appeal_count + 1, appeal_details: appeal.details, decided_by: null, decided_at: null, decision_reason: null };
    const again = await storage.reserveRefund({ refund: reopened, requestedAmount: refund.amount, windowDays: APPEAL_WINDOW_DAYS, now: Date.now(), version });
    if (!again.ok) {
      await save(refund, { type: 'refund.appeal_refused', source: 'api', actor: appeal.actor, data: { reason: again.message } });
      steps.answer(appealStep);
      return finish();
    }
    refund = again.refund;
    steps.answer(appealStep);
  }

  /** A refund that would take the total refunded past what was captured ends failed before any money moves. */
  const failForLackOfRoom = async (step: string): Promise<boolean> => {
    if (!patched('refund-recheck-room')) return false;
    const room = await storage.recheckRefundRoom({ refundId: refund.id });
    if (room.ok) return false;
    const message = `Only ${room.remaining} remains refundable on this payment (refunds at the provider and bank transfers included).`;
    await save({ ...refund, status: 'failed', failure_message: message }, { type: 'refund.exceeds_remaining', source: 'workflow', actor: 'workflow', data: { step, remaining: room.remaining } });
    return true;
  };
  if (await failForLackOfRoom('before_provider_refund')) return finish();

  /**
   * Waits for the provider's answer, by webhook or by polling. A webhook is a hint: the refund is counted as paid only
   * as the provider's own object says, with this refund's id, amount and currency (older histories skip the read).
   */
  const awaitProviderRefund = async (created: ProviderRefundState): Promise<ProviderRefundState> => {
    let current = created;
    let fromHint = false;
    let pollMs = timing.pollInitialSeconds * 1000;
    for (;;) {
      while (current.status === 'pending') {
        if (await condition(() => providerEvents.length > 0, pollMs)) {
          for (const { event } of providerEvents.splice(0, providerEvents.length)) {
            if (seenEvents.has(event.eventId)) continue;
            seenEvents.add(event.eventId);
            if (event.refund?.providerRefundId === current.providerRefundId && current.status === 'pending') {
              current = event.refund;
              fromHint = true;
            }
          }
        } else {
          current = await provider.getProviderRefund({ provider: payment.provider, providerRefundId: current.providerRefundId });
          fromHint = false;
          pollMs = Math.min(pollMs * 2, timing.pollMaxSeconds * 1000);
        }
      }
      if (current.status !== 'succeeded' || !patched('verify-provider-refund')) return current;
      const fresh = fromHint ? await provider.getProviderRefund({ provider: payment.provider, providerRefundId: current.providerRefundId }) : current;
      const problem = providerObjectProblem(
        { id: current.providerRefundId, amount: refund.amount, currency: refund.currency },
        { id: fresh.providerRefundId, amount: fresh.amount, currency: fresh.currency },
      );
      if (problem) {
        await notification.raiseAlert({
          dedupeKey: `provider_refund_mismatch:${refund.id}`, kind: 'provider_money_mismatch', severity: 'critical',
          message: `Refund ${refund.id}: the provider's ${fresh.providerRefundId} has ${problem.field} ${problem.actual} where the engine asked ${problem.expected}: not counted as paid`,
          data: { refund_id: refund.id, payment_id: refund.payment_id, reason: 'provider_object_mismatch', ...problem, provider_refund_id: fresh.providerRefundId },
        });
        return { ...fresh, status: 'failed', failureReason: 'provider_object_mismatch' };
      }
      if (fresh.status !== 'pending') return fresh;
      current = fresh;
      fromHint = false;
    }
  };

  // Money back through the provider, keyed by the refund id so it happens once.
  let state: ProviderRefundState | null = null;
  let failureMessage: string | null = null;
  let refusalCode: string | null = null;
  try {
    state = await provider.createProviderRefund({
      provider: payment.provider, providerPaymentId: payment.provider_payment_id ?? '', refundId: refund.id,
      amount: refund.amount, reason: refund.reason, idempotencyKey: `${refund.id}:refund`,
    });
    await save({ ...refund, status: 'processing', provider_refund_id: state.providerRefundId }, { type: 'refund.processing', source: 'workflow', actor: 'workflow', data: { provider_refund_id: state.providerRefundId } });
    state = await awaitProviderRefund(state);
    if (state.status !== 'succeeded') failureMessage = FAILURE_REASONS[state.failureReason ?? 'unknown'] ?? FAILURE_REASONS.unknown;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (!(cause instanceof ApplicationFailure && cause.type === 'ProviderRequestError')) throw error;
    failureMessage = cause.message;
    refusalCode = ((cause.details?.[0] ?? {}) as { code?: string }).code ?? null;
  }

  if (state?.status === 'succeeded') {
    version += 1;
    refund = { ...refund, status: 'succeeded', completed_at: now() };
    await storage.completeRefund({ refund, version, line: { type: 'refund.succeeded', source: 'workflow', actor: 'workflow', data: { provider_refund_id: state.providerRefundId } } });
    await emailCustomer('refund_completed', 'completed', { completed_at: refund.completed_at });
    return finish();
  }

  // Only a card that can't take money back goes to a bank transfer. Anything else (already refunded in the dashboard,
  // more than remains) is reconciled with the provider by an admin: paying it another way could pay it twice.
  const failureReason = state?.failureReason ?? null;
  if (classifyRefundFailure({ failureReason, refusalCode }) === 'reconcile' && patched('refund-failure-classified')) {
    const data = { provider_refusal_code: refusalCode, provider_failure_reason: failureReason, provider_refund_id: state?.providerRefundId ?? null, failure_message: failureMessage };
    await save({ ...refund, status: 'failed', failure_message: failureMessage }, { type: 'refund.provider_refused', source: 'workflow', actor: 'workflow', data });
    await notification.raiseAlert({
      dedupeKey: `refund_reconcile:${refund.id}`, kind: 'refund_needs_reconciliation', severity: 'warning',
      message: `The provider refused refund ${refund.id} of payment ${refund.payment_id} (${refusalCode ?? failureReason ?? 'unknown'}): compare with the provider's refunds; nothing was paid another way`,
      data: { refund_id: refund.id, payment_id: refund.payment_id, amount: refund.amount, currency: refund.currency, ...data },
    });
    return finish();
  }

  // The original method can't take the money back: ask the customer for a bank account.
  await save({ ...refund, status: 'requires_alternative_method', failure_message: failureMessage }, { type: 'refund.provider_failed', source: 'workflow', actor: 'workflow', data: { failure_message: failureMessage } });
  await emailCustomer('refund_alternative_method_needed', 'alternative_needed', { failure_message: failureMessage });
  const waitMs = timing.alternativeMethodWaitSeconds * 1000;
  if (!(await condition(() => steps.has('alternative_method'), waitMs))) {
    await save({ ...refund, status: 'expired' }, { type: 'refund.expired', source: 'workflow', actor: 'workflow:alternative_method_expiry', data: {} });
    return finish();
  }
  const methodStep = steps.take('alternative_method')!;
  const method = methodStep.args;
  // The admin is about to send a bank transfer: it must still fit next to what the provider refunded meanwhile.
  if (await failForLackOfRoom('before_bank_transfer')) {
    steps.answer(methodStep);
    return finish();
  }
  await save(
    { ...refund, status: 'awaiting_manual_transfer', alternative_method: { type: 'bank_transfer', iban: normalizeIban(method.iban), iban_last4: ibanLast4(method.iban), account_holder_name: method.accountHolderName, reference: null } },
    { type: 'refund.alternative_method_recorded', source: 'api', actor: method.actor, data: { iban_last4: ibanLast4(method.iban) } },
  );
  steps.answer(methodStep);
  // A payout account set through the API could be anyone's: the customer is told, and it shows in the admins' review.
  if (patched('payout-account-notice')) {
    await emailCustomer('account_details_changed', 'payout_account_set', { iban_last4: ibanLast4(method.iban) });
    await notification.raiseAlert({
      dedupeKey: `payout_account_set:${refund.id}`, kind: 'payout_account_set', severity: 'warning',
      message: `A bank account ending in ${ibanLast4(method.iban)} was set by ${method.actor} for refund ${refund.id}: check it before sending the transfer`,
      data: { refund_id: refund.id, payment_id: refund.payment_id, amount: refund.amount, currency: refund.currency, iban_last4: ibanLast4(method.iban), account_holder_name: method.accountHolderName, set_by: method.actor },
    });
  }
  if (!(await condition(() => steps.has('transfer_sent'), waitMs))) {
    await save({ ...refund, status: 'expired' }, { type: 'refund.expired', source: 'workflow', actor: 'workflow:manual_transfer_expiry', data: {} });
    return finish();
  }
  const sentStep = steps.take('transfer_sent')!;
  const sent = sentStep.args;
  version += 1;
  refund = { ...refund, status: 'succeeded', completed_at: now(), alternative_method: { ...refund.alternative_method!, reference: sent.reference } };
  await storage.completeRefund({ refund, version, line: { type: 'refund.succeeded', source: 'api', actor: sent.actor, data: { method: 'bank_transfer', reference: sent.reference } } });
  steps.answer(sentStep);
  await emailCustomer('refund_completed', 'completed', { completed_at: refund.completed_at });
  return finish();
}
