import type { PaymentEvent } from './payment';
import type { PaymentStatus } from './payment-status';
import type { ProviderEvent, ProviderPaymentState } from './provider-types';

/**
 * The history line for a provider event that arrived after its payment's workflow finished (`after_final`), or that
 * reports what the payment already is (`already_applied`): recorded, never applied. One per delivery (the dedupe key
 * holds the webhook row id), whoever records it: the API's hand-off or the late-event workflow. Pure, so the workflow
 * can build it too.
 */
export function lateProviderEvent(
  paymentId: string,
  signal: { event: ProviderEvent; source: PaymentEvent['source']; webhookEventId: number | null },
  occurredAt: Date,
  reason: 'after_final' | 'already_applied' = 'after_final',
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
