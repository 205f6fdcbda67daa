import type { PaymentEvent } from './payment';
import type { ProviderEvent } from './provider-types';

/**
 * The history line for a provider event that arrived after its payment's workflow finished: recorded, never applied.
 * One per delivery (the dedupe key holds the webhook row id), whoever records it: the API's hand-off or the
 * late-event workflow. Pure, so the workflow can build it too.
 */
export function lateProviderEvent(
  paymentId: string,
  signal: { event: ProviderEvent; source: PaymentEvent['source']; webhookEventId: number | null },
  occurredAt: Date,
): PaymentEvent {
  const { event, source, webhookEventId } = signal;
  return {
    dedupe_key: `${paymentId}:late:${event.provider}:${event.eventId}:${webhookEventId ?? 'sync'}`,
    payment_id: paymentId,
    type: 'provider_event.ignored',
    from_status: null,
    to_status: null,
    source,
    actor: `${event.provider}:${source}`,
    data: {
      reason: 'after_final',
      provider_event_id: event.eventId,
      provider_event_type: event.type,
      observed_status: event.state?.status ?? null,
    },
    occurred_at: occurredAt.toISOString(),
  };
}
