import { z } from 'zod';
import { EVENT_TYPES } from '../../domain/merchant-event';
import { DisputeSchema } from './dispute-schemas';
import { PaymentSchema } from './payment-schemas';
import { RefundSchema } from './refund-schemas';

const MAX_PREVIOUS_SECRET_SECONDS = 7 * 24 * 3600;

export const EventTypeSchema = z.enum(EVENT_TYPES).meta({ id: 'EventType' });

export const EventSchema = z
  .object({
    id: z.string().regex(/^evt_/),
    object: z.literal('event'),
    type: EventTypeSchema,
    created: z.number().int().describe('When the change was recorded, in Unix seconds.'),
    data: z.object({
      object: z.discriminatedUnion('object', [PaymentSchema, RefundSchema, DisputeSchema]).describe('The payment, refund or dispute as the API returned it at that moment.'),
    }),
  })
  .meta({ id: 'Event' });

export const EventListSchema = z.object({ object: z.literal('list'), data: z.array(EventSchema), has_more: z.boolean() }).meta({ id: 'EventList' });

export const ListEventsQuery = z.strictObject({
  type: EventTypeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().optional().describe('An event id: the page starts after it (older events).'),
});

export const RedeliverEventBody = z.strictObject({ endpoint_id: z.string().min(1).max(255) }).meta({ id: 'RedeliverEventRequest' });

const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .describe('Where events are POSTed: http or https. Redirects are not followed.');

const enabledEvents = z
  .array(z.union([EventTypeSchema, z.literal('*')]))
  .min(1)
  .max(EVENT_TYPES.length + 1)
  .refine((events) => new Set(events).size === events.length, 'lists an event type twice')
  .meta({ uniqueItems: true })
  .describe('Event types to send, or ["*"] for all of them.');

export const CreateWebhookEndpointBody = z
  .strictObject({ url: webhookUrl, enabled_events: enabledEvents, description: z.string().max(1000).optional() })
  .meta({ id: 'CreateWebhookEndpointRequest' });
export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointBody>;

export const UpdateWebhookEndpointBody = z
  .strictObject({
    url: webhookUrl.optional(),
    enabled_events: enabledEvents.optional(),
    description: z.string().max(1000).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional().describe('disabled: nothing more is sent; enabled again: new events are sent (and failures counted afresh).'),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });
export type UpdateWebhookEndpointBody = z.infer<typeof UpdateWebhookEndpointBody>;

export const RotateSecretBody = z
  .strictObject({
    previous_secret_expires_in: z
      .number().int().min(0).max(MAX_PREVIOUS_SECRET_SECONDS).default(24 * 3600)
      .describe('Seconds during which the previous secret still signs (a second v1), so receivers can switch over; 0 ends it now.'),
  })
  .meta({ id: 'RotateWebhookSecretRequest' });

export const WebhookEndpointSchema = z
  .object({
    id: z.string().regex(/^we_/),
    object: z.literal('webhook_endpoint'),
    url: z.string(),
    description: z.string().nullable(),
    enabled_events: z.array(z.union([EventTypeSchema, z.literal('*')])),
    status: z.enum(['enabled', 'disabled']),
    disabled_reason: z.enum(['failing', 'requested']).nullable().describe('failing: every delivery failed for the whole retry schedule (three days).'),
    previous_secret_expires_at: z.string().nullable().describe('While a rotated secret still signs: when it stops.'),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const WebhookEndpointWithSecretSchema = WebhookEndpointSchema.extend({
  secret: z.string().regex(/^whsec_/).describe('Signs Durapay-Signature. Shown only in this answer: store it now.'),
}).meta({ id: 'WebhookEndpointWithSecret' });

export const WebhookEndpointListSchema = z
  .object({ object: z.literal('list'), data: z.array(WebhookEndpointSchema), has_more: z.boolean() })
  .meta({ id: 'WebhookEndpointList' });

export const DeletedWebhookEndpointSchema = z
  .object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });

export const ListPageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().optional(),
});

export const WebhookDeliverySchema = z
  .object({
    id: z.string().regex(/^wd_/),
    object: z.literal('webhook_delivery'),
    event_id: z.string(),
    event_type: EventTypeSchema,
    endpoint_id: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'canceled']).describe('canceled: the endpoint was disabled or deleted first.'),
    attempt_count: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_retry_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
    created_at: z.string(),
    attempts: z.array(
      z.object({
        status_code: z.number().int().nullable(),
        error: z.string().nullable(),
        duration_ms: z.number().int(),
        redelivery: z.boolean(),
        attempted_at: z.string(),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

export const WebhookDeliveryListSchema = z
  .object({ object: z.literal('list'), data: z.array(WebhookDeliverySchema), has_more: z.boolean() })
  .meta({ id: 'WebhookDeliveryList' });

export const ListDeliveriesQuery = ListPageQuery.extend({ event_id: z.string().optional() });
