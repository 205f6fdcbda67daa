import { WebhookDelivery } from '../shared/webhook-delivery';
import type { WebhookSwitches } from '../shared/webhook-switches';
import type { WebhookEvent } from './types';

/** No `reorder`: each PayPal operation produces a single event. */
export type PayPalWebhookSwitches = Omit<WebhookSwitches, 'reorder'>;

export type PayPalWebhookDelivery = WebhookDelivery<WebhookEvent, PayPalWebhookSwitches>;

/** Signs a body at send time: each attempt is a new transmission with its own id, time and signature. */
export type WebhookSigner = (body: string) => Record<string, string>;

export function createPayPalWebhookDelivery(url: string | null, sign: WebhookSigner, log: (line: string) => void): PayPalWebhookDelivery {
  const defaultSwitches = (): PayPalWebhookSwitches => ({ deliver: true, delay_ms: 0, duplicate: false, drop_next: 0 });
  return new WebhookDelivery({
    url,
    log,
    defaultSwitches,
    unknownSwitchHint: `PayPal sandbox switches: ${Object.keys(defaultSwitches()).join(', ')}`,
    eventId: (event) => event.id,
    eventType: (event) => event.event_type,
    typeField: 'event_type',
    serialize: (event) => JSON.stringify(event),
    signHeaders: sign,
    userAgent: 'PayPal/AUHD-214.0 (Durapay PayPal sandbox)',
  });
}
