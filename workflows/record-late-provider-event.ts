import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, PROVIDER_CALL, STORAGE } from './activity-options';
import { judgeProviderMoney, moneyMismatchAlert } from '../domain/provider-money';
import type { ProviderEventSignal } from './definitions';
import { lateProviderEvent } from '../domain/late-provider-event';

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
  const { event, webhookEventId } = input.signal;
  const local = await storage.recordLateProviderEvent({
    paymentId: input.paymentId,
    webhookEventId,
    event: lateProviderEvent(input.paymentId, input.signal, new Date()),
  });
  // Histories recorded before this returned nothing here.
  if (!local || !event.state || !judgeProviderMoney(local, event.state) || !patched('provider-money-mismatch')) return;
  const fresh = await provider.getProviderPayment({ provider: event.state.provider, providerPaymentId: event.state.providerPaymentId });
  const reason = judgeProviderMoney(local, fresh);
  if (reason) await notification.raiseAlert(moneyMismatchAlert(local, fresh, reason, 'workflow'));
}
