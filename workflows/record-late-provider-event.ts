import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_CALL, STORAGE } from './activity-options';
import { judgeProviderMoney, moneyMismatchAlert } from '../domain/provider-money';
import type { ProviderEventSignal } from './definitions';

const storage = proxyActivities<Activities>(STORAGE);
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * A provider event for a payment whose workflow has finished. It changes nothing, but the payment's
 * history shows it. The workflow id derives from the provider event id, so it runs once per delivery.
 * When it says the provider holds money the engine doesn't count (a failed payment charged, a second attempt
 * charged), the provider is asked, and if it confirms, a critical provider_money_mismatch alert is raised.
 */
export async function recordLateProviderEvent(input: { paymentId: string; signal: ProviderEventSignal }): Promise<void> {
  const { event, source, webhookEventId } = input.signal;
  const local = await storage.recordLateProviderEvent({
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
  // Histories recorded before this returned nothing here.
  if (!local || !event.state || !judgeProviderMoney(local, event.state) || !patched('provider-money-mismatch')) return;
  const fresh = await provider.getProviderPayment({ provider: event.state.provider, providerPaymentId: event.state.providerPaymentId });
  const reason = judgeProviderMoney(local, fresh);
  if (reason) await notification.raiseAlert(moneyMismatchAlert(local, fresh, reason, 'workflow'));
}
