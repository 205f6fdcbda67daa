import type { PaymentEvent } from './payment';
import { canTransition, statusesFrom, type PaymentStatus } from './payment-status';
import { providerHoldsMoney } from './provider-money';
import type { ProviderEvent, ProviderPaymentState } from './provider-types';

/**
 * The history line for a provider event that arrived after its payment's workflow finished (`after_final`), or that
 * its workflow would only have noted (`already_applied`, `earlier_state`, `no_news`: see settledWithoutWorkflow):
 * recorded, never applied. One per delivery (the dedupe key holds the webhook row id), whoever records it: the API's
 * hand-off or the late-event workflow. Pure, so the workflow can build it too.
 */
export function lateProviderEvent(
  paymentId: string,
  signal: { event: ProviderEvent; source: PaymentEvent['source']; webhookEventId: number | null },
  occurredAt: Date,
  reason: LateEventReason = 'after_final',
): PaymentEvent {
  const { event, source, webhookEventId } = signal;
  return {
    dedupe_key: `${paymentId}:${reason === 'after_final' ? 'late' : 'applied'}:${event.provider}:${event.eventId}:${webhookEventId ?? 'sync'}`,
    payment_id: paymentId,
    type: 'provider_event.ignored',
    from_status: null,
    to_status: null,
    source,
    actor: `${event.provider}:${source}`,
    data: {
      reason,
      provider_event_id: event.eventId,
      provider_event_type: event.type,
      observed_status: event.state?.status ?? null,
    },
    occurred_at: occurredAt.toISOString(),
  };
}

export type LateEventReason = 'after_final' | 'already_applied' | 'earlier_state' | 'no_news';

/** What the engine has stored of a payment, as the API reads it before handing an event over. */
export interface StoredPaymentState {
  status: PaymentStatus;
  provider_payment_id: string | null;
  amount: number;
  amount_captured: number;
  currency: string;
}

const FINAL: PaymentStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * The event reports exactly what the stored payment already is, and that is final: the provider's trailing webhooks
 * after a payment has been recorded. Its workflow would only note it; anything else (another attempt, other amounts,
 * money on a failed payment, an earlier state) goes to the workflow, which judges it.
 */
export function alreadyApplied(stored: StoredPaymentState, state: ProviderPaymentState): boolean {
  return FINAL.includes(stored.status) && state.status === stored.status && state.providerPaymentId === stored.provider_payment_id
    && state.amount === stored.amount && state.amountCaptured === stored.amount_captured && state.currency.toLowerCase() === stored.currency.toLowerCase();
}

/**
 * The event is an earlier snapshot of a payment that has since succeeded: the same provider payment, the same amount,
 * a state before success and no more captured (the provider's `payment_intent.created` arriving after the outcome).
 * Its workflow would only note it as after_final (so would it a final report without money: noNews below).
 */
export function earlierState(stored: StoredPaymentState, state: ProviderPaymentState): boolean {
  return stored.status === 'succeeded' && state.providerPaymentId === stored.provider_payment_id && !FINAL.includes(state.status)
    && state.amount === stored.amount && state.amountCaptured <= stored.amount_captured && state.currency.toLowerCase() === stored.currency.toLowerCase();
}

/**
 * The payment's workflow is creating it at the provider right now (stored `pending`, before any answer is stored): it
 * stores the provider's answer itself, and the provider's webhooks about that creation follow its answer within
 * milliseconds. Such an event is best judged a moment later, once the answer is stored: most then need no workflow.
 */
export function creationUnderWay(stored: StoredPaymentState): boolean {
  return stored.status === 'pending';
}

/**
 * The event could move the payment nowhere, whatever its workflow has done since the stored write (workflows only
 * move forward from what they stored), and says the provider holds no money: the provider's creation snapshot
 * (`pending`), a 3-D Secure request for a payment already waiting on it. Its workflow would only record it as ignored.
 * A provider event exists only once the payment went past any risk review, so review is left out of where it can be.
 */
export function noNews(stored: StoredPaymentState, state: ProviderPaymentState): boolean {
  if (stored.status === 'requires_review' || providerHoldsMoney(state)) return false;
  return statusesFrom(stored.status, ['requires_review']).every((from) => !canTransition(from, state.status));
}

/** Why an event needs no workflow to judge it, if it doesn't. */
export function settledWithoutWorkflow(stored: StoredPaymentState, state: ProviderPaymentState): Exclude<LateEventReason, 'after_final'> | null {
  if (alreadyApplied(stored, state)) return 'already_applied';
  if (earlierState(stored, state)) return 'earlier_state';
  return noNews(stored, state) ? 'no_news' : null;
}
