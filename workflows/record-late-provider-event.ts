import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ProviderEventSignal } from './definitions';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * A provider event for a payment whose workflow has finished. It changes nothing, but the payment's
 * history shows it. The workflow id derives from the provider event id, so it runs once per delivery.
 */
export async function recordLateProviderEvent(input: { paymentId: string; signal: ProviderEventSignal }): Promise<void> {
  const { event, source, webhookEventId } = input.signal;
  await activities.recordLateProviderEvent({
    paymentId: input.paymentId,
    webhookEventId,
    event: {
      dedupe_key: `${input.paymentId}:late:${event.provider}:${event.eventId}:${webhookEventId ?? 'sync'}`,
      payment_id: input.paymentId,
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
      occurred_at: new Date().toISOString(),
    },
  });
}
