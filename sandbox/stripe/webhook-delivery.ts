import Stripe from 'stripe';
import { WebhookDelivery } from '../shared/webhook-delivery';
import type { WebhookSwitches } from '../shared/webhook-switches';
import type { StripeEvent } from './types';

/** Stripe's switches include `reorder`: one Stripe operation can produce several events. */
export type StripeWebhookSwitches = Required<WebhookSwitches>;

export type StripeWebhookDelivery = WebhookDelivery<StripeEvent, StripeWebhookSwitches>;

/** Deliveries carry a Stripe-Signature header over the body, made with the webhook secret. */
export function createStripeWebhookDelivery(secret: string, url: string | null, log: (line: string) => void): StripeWebhookDelivery {
  return new WebhookDelivery({
    url,
    log,
    defaultSwitches: () => ({ deliver: true, delay_ms: 0, duplicate: false, reorder: false, drop_next: 0 }),
    eventId: (event) => event.id,
    eventType: (event) => event.type,
    typeField: 'type',
    serialize: (event) => JSON.stringify(event, null, 2), // pretty, like the bodies Stripe sends
    signHeaders: (payload) => ({ 'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({ payload, secret }) }),
    userAgent: 'Stripe/1.0 (+https://stripe.com/docs/webhooks) Durapay-Sandbox',
  });
}
