import type { PayPalSandboxCore } from './core';
import { newEventId, nowIso } from './ids';
import type { WebhookEvent } from './types';

/** Records a webhook event carrying a snapshot of `resource` and queues its delivery. */
export function emitEvent(
  core: PayPalSandboxCore,
  eventType: string,
  resourceType: WebhookEvent['resource_type'],
  resource: Record<string, unknown>,
  summary: string,
): WebhookEvent {
  const event: WebhookEvent = {
    id: newEventId(),
    event_version: '1.0',
    create_time: nowIso(),
    resource_type: resourceType,
    resource_version: '2.0',
    event_type: eventType,
    summary,
    resource: structuredClone(resource),
  };
  core.store.events.set(event.id, event);
  core.store.changed();
  core.delivery.enqueue([event]);
  return event;
}
