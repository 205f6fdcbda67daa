import { ActivityFailure, allHandlersFinished, ApplicationFailure, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, STORAGE } from './activity-options';
import type { RefundHistoryLine } from '../activities/refund-activities';
import type { EmailTemplateName } from '../domain/email-templates';
import { ibanLast4, normalizeIban } from '../domain/iban';
import { capabilitiesOf, UNKNOWN_PROVIDER_FAILURE } from '../providers/capabilities';
import { classifyRefundFailure, qualifiesForAutoApproval, type Refund, withinProviderRefundWindow } from '../domain/refund';
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
import { refundAtProvider } from './refund-at-provider';
import { RefundStepInbox, type TakenStep } from './refund-step-inbox';

const storage = proxyActivities<Activities>(STORAGE);
const notification = proxyActivities<Activities>(NOTIFICATION);

/** Appeals re-check only the amount: the refund window was met when the refund was first requested. */
const APPEAL_WINDOW_DAYS = 36_500;

/** Refunds of cash and bank transfers go straight to a bank transfer; histories from before asked a provider. */
export const REFUND_BY_TRANSFER_PATCH = 'merchant-settled-refund-by-transfer';
/** Emails and alerts no longer hold the steps people take; histories from before awaited each in turn. */
export const NOTIFY_BESIDE_STEPS_PATCH = 'refund-notifications-beside-steps';
/** Refunds past the provider's own window go straight to a bank transfer; histories from before asked the provider. */
export const PROVIDER_REFUND_WINDOW_PATCH = 'refund-past-provider-window-by-transfer';
const PAID_OUTSIDE_PROVIDER = 'The payment was made in cash or by bank transfer: the refund is sent by bank transfer to an account the customer gives.';


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
  // Emails and alerts go out beside the main loop: a step that arrives meanwhile (an approval while the admins are
  // mailed, an appeal while the denial goes out) is taken at once, so a slow or unreachable SMTP server never holds
  // a person's request; the workflow closes once they are out. Histories from before waited for each one.
  const notifyBeside = patched(NOTIFY_BESIDE_STEPS_PATCH);
  const notifications: Promise<void>[] = [];
  let notificationFailure: unknown;
  const notify = async (send: () => Promise<unknown>): Promise<void> => {
    if (!notifyBeside) return void (await send());
    notifications.push(send().then(() => undefined, (error: unknown) => void (notificationFailure ??= error)));
  };
  const providerEvents: ProviderRefundSignal[] = [];
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
    if (notifyBeside) await Promise.all(notifications);
    if (notificationFailure) throw notificationFailure;
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
    await notify(() => notification.sendEmail({ dedupeKey: `${refund.id}:${occasion}:${contact.email}`, to: contact.email, template, locale: contact.locale, data: { ...emailData(), customer_name: contact.name, ...data } }));
  };
  const emailAdmins = async (template: EmailTemplateName, occasion: string) => {
    for (const admin of input.adminEmails) {
      await notify(() => notification.sendEmail({ dedupeKey: `${refund.id}:${occasion}:${admin}`, to: admin, template, locale: 'en', data: emailData() }));
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
  /** Money back through the provider; finished unless the customer must be asked for a bank account instead. */
  const refundThroughProvider = async (): Promise<{ finished: boolean; failureMessage: string | null }> => {
    const outcome = await refundAtProvider({
      refund, payment, timing, providerEvents,
      markProcessing: (providerRefundId) => save({ ...refund, status: 'processing', provider_refund_id: providerRefundId }, { type: 'refund.processing', source: 'workflow', actor: 'workflow', data: { provider_refund_id: providerRefundId } }),
      current: () => refund,
    }).catch((error: unknown) => {
      // A refund of cash or a bank transfer started before the patch asked a provider that doesn't exist: once that
      // call fails for good (an unknown provider is not retried), it goes on by bank transfer like newer ones.
      if (settledByMerchant && failedForUnknownProvider(error)) return null;
      throw error;
    });
    if (!outcome) return { finished: false, failureMessage: PAID_OUTSIDE_PROVIDER };
    const { state, failureMessage, refusalCode } = outcome;

    if (state?.status === 'succeeded') {
      version += 1;
      refund = { ...refund, status: 'succeeded', completed_at: now() };
      await storage.completeRefund({ refund, version, line: { type: 'refund.succeeded', source: 'workflow', actor: 'workflow', data: { provider_refund_id: state.providerRefundId } } });
      await emailCustomer('refund_completed', 'completed', { completed_at: refund.completed_at });
      return { finished: true, failureMessage };
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
      return { finished: true, failureMessage };
    }
    return { finished: false, failureMessage };
  };

  if (await failForLackOfRoom('before_provider_refund')) return finish();

  // Cash and bank transfers came in outside any provider, so no provider can send them back: the customer is asked
  // for a bank account straight away. Histories from before asked the provider (and retried for ever).
  const provider = capabilitiesOf(payment.provider);
  const settledByMerchant = provider.settledBy === 'merchant';
  // Past the provider's own window (PayPal: 180 days) asking it would only bring a refusal to reconcile by hand.
  const pastProviderWindow = !settledByMerchant && !withinProviderRefundWindow(provider.refunds.providerWindowDays, payment.created_at, Date.now())
    && patched(PROVIDER_REFUND_WINDOW_PATCH);
  const byTransferOnly = (settledByMerchant && patched(REFUND_BY_TRANSFER_PATCH)) || pastProviderWindow;
  let failureMessage: string | null = pastProviderWindow
    ? `${provider.displayName} sends money back only within ${provider.refunds.providerWindowDays} days of the payment: the refund is sent by bank transfer to an account the customer gives.`
    : PAID_OUTSIDE_PROVIDER;
  if (!byTransferOnly) {
    const atProvider = await refundThroughProvider();
    if (atProvider.finished) return finish();
    failureMessage = atProvider.failureMessage;
  }

  // The original method can't take the money back: ask the customer for a bank account.
  const line: RefundHistoryLine = byTransferOnly
    ? { type: 'refund.bank_transfer_needed', source: 'workflow', actor: 'workflow', data: { provider: payment.provider, ...(pastProviderWindow ? { provider_window_days: provider.refunds.providerWindowDays } : {}) } }
    : { type: 'refund.provider_failed', source: 'workflow', actor: 'workflow', data: { failure_message: failureMessage } };
  await save({ ...refund, status: 'requires_alternative_method', failure_message: failureMessage }, line);
  const why = pastProviderWindow
    ? { past_provider_window: 'yes', provider_name: provider.displayName, provider_window_days: String(provider.refunds.providerWindowDays) }
    : byTransferOnly ? { paid_outside_provider: 'yes' } : {};
  await emailCustomer('refund_alternative_method_needed', 'alternative_needed', { failure_message: failureMessage, ...why });
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
    await notify(() => notification.raiseAlert({
      dedupeKey: `payout_account_set:${refund.id}`, kind: 'payout_account_set', severity: 'warning',
      message: `A bank account ending in ${ibanLast4(method.iban)} was set by ${method.actor} for refund ${refund.id}: check it before sending the transfer`,
      data: { refund_id: refund.id, payment_id: refund.payment_id, amount: refund.amount, currency: refund.currency, iban_last4: ibanLast4(method.iban), account_holder_name: method.accountHolderName, set_by: method.actor },
    }));
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

function failedForUnknownProvider(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === UNKNOWN_PROVIDER_FAILURE;
}
