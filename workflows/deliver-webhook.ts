import { patched, proxyActivities, proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION, STORAGE, WEBHOOK_ATTEMPT, webhookAttemptsQueue } from './activity-options';
import type { WebhookAttemptOutcome } from '../activities/webhook-delivery-activities';

export interface DeliverWebhookInput {
  deliveryId: string;
  /** Delays before each retry (a durable timer each); empty for a merchant's one-off redelivery. */
  retryDelaysSeconds: number[];
  redelivery?: boolean;
}

const delivery = proxyActivities<Activities>(WEBHOOK_ATTEMPT);
/** Histories recorded between patches webhook-attempt-local and webhook-attempt-own-queue ran attempts inside the task. */
const localDelivery = proxyLocalActivities<Activities>(WEBHOOK_ATTEMPT);
const storage = proxyActivities<Activities>(STORAGE);
const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * One event to one endpoint (workflow id = the delivery's id; redeliveries get their own): tried at once, then after
 * each delay of the schedule until a 2xx. A delivery that used up the schedule may disable its endpoint, with an
 * operator alert. Bounded history: one activity and one timer per attempt.
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<WebhookAttemptOutcome> {
  const { workflowId, taskQueue } = workflowInfo();
  // A local attempt held a workflow-task slot for as long as the merchant took to answer: enough slow endpoints
  // starved payments' and refunds' tasks. Attempts now go to a queue of their own; older histories replay as they ran.
  const attemptDelivery = patched('webhook-attempt-own-queue')
    ? proxyActivities<Activities>({ ...WEBHOOK_ATTEMPT, taskQueue: webhookAttemptsQueue(taskQueue) }).attemptWebhookDelivery
    : patched('webhook-attempt-local') ? localDelivery.attemptWebhookDelivery : delivery.attemptWebhookDelivery;
  for (let attempt = 1; ; attempt++) {
    const delay = input.retryDelaysSeconds[attempt - 1];
    const result = await attemptDelivery({
      deliveryId: input.deliveryId, workflowId, attempt, nextRetryInSeconds: delay ?? null, redelivery: input.redelivery ?? false,
    });
    if (result.outcome === 'retry') {
      await sleep(delay * 1000);
      continue;
    }
    if (result.outcome === 'gave_up' && !input.redelivery) {
      const disabled = await storage.disableFailingWebhookEndpoint({ endpointId: result.endpointId, deliveryId: input.deliveryId, workflowId });
      if (disabled) {
        await notification.raiseAlert({
          dedupeKey: `webhook-endpoint-disabled:${result.endpointId}:${disabled.failingSince}`,
          kind: 'webhook_endpoint_disabled',
          severity: 'warning',
          message: `Webhook endpoint ${result.endpointId} (${disabled.url}) was disabled: every delivery failed since ${disabled.failingSince}.`,
          data: { endpoint_id: result.endpointId, url: disabled.url, failing_since: disabled.failingSince, delivery_id: input.deliveryId },
        });
      }
    }
    return result.outcome;
  }
}
