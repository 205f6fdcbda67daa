import { allHandlersFinished, condition, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_CALL, STORAGE } from './activity-options';
import { type Dispute, evidenceReminderAt, isFinalDispute, needsEvidenceReminder } from '../domain/dispute';
import type { EmailTemplateName } from '../domain/email-templates';
import type { ProviderDisputeState } from '../domain/provider-types';
import { disputeEventSignal, type DisputeEventSignal, disputeQuery, type HandleDisputeInput } from './dispute-definitions';

const storage = proxyActivities<Activities>(STORAGE);
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * One provider dispute, from the first news of it to its outcome; the workflow id derives from the provider's dispute
 * id (disputeWorkflowId), and webhooks reach it by signal-with-start, so duplicates and reorderings meet here. The
 * disputes row is the record: a run started by a late event after the outcome reads it, changes nothing and ends.
 * While the dispute is open the workflow reminds admins before evidence is due and asks the provider now and then, so
 * a lost webhook can't leave the dispute open forever.
 */
export async function handleDispute(input: HandleDisputeInput): Promise<Dispute | null> {
  const { timing } = input;
  const inbox: DisputeEventSignal[] = [];
  let dispute: Dispute | null = null;
  setHandler(disputeEventSignal, (signal) => void inbox.push(signal));
  setHandler(disputeQuery, () => dispute);

  const firstSeenAt = Date.now();
  /** False while the payment doesn't show the dispute's latest status yet (or must wait for its workflow to finish). */
  let paymentInLine = true;
  let changedBy: 'webhook' | 'sync' = 'webhook';
  let openingMailed = false;
  let reminderSent = false;
  let outcomeMailed = false;
  let pollDelayMs = timing.pollInitialSeconds * 1000;
  let nextPollAt = firstSeenAt + pollDelayMs;

  const record = async (state: ProviderDisputeState, source: 'webhook' | 'sync', webhookEventId: number | null): Promise<void> => {
    const recorded = await storage.recordDisputeState({ state, webhookEventId });
    // A new run (a late event after the outcome) checks the payment once even when the event changes nothing.
    if (recorded.change !== 'ignored' || dispute === null) {
      paymentInLine = false;
      changedBy = source;
    }
    dispute = recorded.dispute;
  };

  const emailAdmins = async (current: Dispute, occasion: string, template: EmailTemplateName): Promise<void> => {
    const data = {
      dispute_id: current.id, payment_id: current.payment_id, provider: current.provider, provider_dispute_id: current.provider_dispute_id,
      amount: current.amount, currency: current.currency, reason: current.reason, status: current.status,
      evidence_due_by: current.evidence_due_by, amount_lost: current.amount_lost,
      dispute_url: `${input.publicUrl}/v1/disputes/${current.id}`,
      payment_url: current.payment_id ? `${input.publicUrl}/v1/payments/${current.payment_id}` : null,
      provider_url: current.provider_url,
    };
    for (const admin of input.adminEmails) {
      await notification.sendEmail({ dedupeKey: `${current.id}:${occasion}:${admin}`, to: admin, template, locale: 'en', data });
    }
  };

  for (;;) {
    while (inbox.length > 0) {
      const { event, webhookEventId } = inbox.shift()!;
      if (event.dispute) await record(event.dispute, 'webhook', webhookEventId);
    }
    if (dispute === null) {
      // Started by a signal, so there is always one; guard anyway.
      await condition(() => inbox.length > 0);
      continue;
    }
    const current: Dispute = dispute;
    if (!paymentInLine) {
      const applied = await storage.applyDisputeToPayment({ disputeId: current.id, source: changedBy });
      paymentInLine = applied.outcome !== 'waiting';
    }
    if (!openingMailed) {
      await emailAdmins(current, 'opened', 'dispute_opened');
      openingMailed = true;
    }
    const final = isFinalDispute(current.status);
    if (final && !outcomeMailed) {
      await emailAdmins(current, current.status, 'dispute_closed');
      // Lost as fraudulent is fraud confirmed: the customer may not pay again until an admin clears the flag.
      if (current.status === 'lost' && current.reason === 'fraudulent' && current.payment_id && patched('dispute-fraud-flag')) {
        await storage.flagPaymentCustomer({ paymentId: current.payment_id, reason: `dispute ${current.id} lost as fraudulent`, actor: `${input.provider}:dispute` });
      }
      outcomeMailed = true;
    }
    if (final && paymentInLine && inbox.length === 0) break;

    const remindAt = !reminderSent && needsEvidenceReminder(current.status)
      ? evidenceReminderAt(current.evidence_due_by, timing.reminderHoursBeforeDue, firstSeenAt)
      : null;
    const wakeAt = Math.min(nextPollAt, remindAt ?? Number.POSITIVE_INFINITY);
    if (await condition(() => inbox.length > 0, Math.max(1, wakeAt - Date.now()))) continue;

    if (remindAt !== null && Date.now() >= remindAt) {
      await emailAdmins(current, 'evidence_reminder', 'dispute_evidence_reminder');
      reminderSent = true;
    }
    if (Date.now() >= nextPollAt) {
      // A closed dispute waiting for its payment's workflow to finish only needs the payment checked again.
      const state = final ? null : await provider.getProviderDispute({ provider: input.provider, providerDisputeId: input.providerDisputeId }).catch(() => null);
      // A refused poll (say, the provider no longer knows the id) changes nothing: webhooks still decide.
      if (state) await record(state, 'sync', null);
      pollDelayMs = Math.min(pollDelayMs * 2, timing.pollMaxSeconds * 1000);
      nextPollAt = Date.now() + pollDelayMs;
    }
  }
  await condition(allHandlersFinished);
  return dispute;
}
