import { z } from 'zod';
import type { Database } from '../../platform/database';
import type { PaymentProvider } from '../../providers/types';
import type { RouteTable } from '../route';
import type { WebhookDispatcher } from '../webhook-inbox';

const WebhookEventSchema = z
  .object({
    id: z.number().int(),
    provider: z.string(),
    event_id: z.string(),
    type: z.string(),
    payment_id: z.string().nullable(),
    delivery_count: z.number().int(),
    received_at: z.string(),
    signaled_at: z.string().nullable(),
    processed_at: z.string().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'WebhookEvent' });

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value === null ? null : String(value));

/** Operators' views of the webhook inbox; admin key only. */
const ProviderSchema = z
  .object({ name: z.string(), mode: z.enum(['live', 'sandbox']), configured: z.boolean(), base_url: z.string().nullable().optional() })
  .meta({ id: 'Provider' });

export function addAdminRoutes(routes: RouteTable, db: Database, dispatcher: WebhookDispatcher, providers: PaymentProvider[]): void {
  routes.add({
    method: 'get', path: '/v1/admin/providers', tag: 'Admin', roles: ['admin'],
    summary: 'Each payment provider, its mode and whether it is configured',
    response: { status: 200, description: 'The providers', schema: z.object({ object: z.literal('list'), data: z.array(ProviderSchema) }) },
    handler: async () => ({
      object: 'list',
      data: providers.map((provider) => ({
        name: provider.name, mode: provider.mode, configured: provider.isConfigured(),
        ...(provider.mode === 'sandbox' ? { base_url: provider.baseUrl } : {}),
      })),
    }),
  });

  routes.add({
    method: 'get', path: '/v1/admin/webhook-events', tag: 'Admin', roles: ['admin'],
    summary: 'Stored webhook events; status=pending lists those not yet applied',
    query: z.strictObject({ status: z.enum(['pending', 'processed', 'all']).default('all'), limit: z.coerce.number().int().min(1).max(100).default(50) }),
    response: { status: 200, description: 'Newest first', schema: z.object({ object: z.literal('list'), data: z.array(WebhookEventSchema), has_more: z.boolean() }) },
    handler: async (_ctx, { query }) => {
      const rows = await db('webhook_events')
        .modify((q) => {
          if (query.status === 'pending') q.whereNull('processed_at');
          if (query.status === 'processed') q.whereNotNull('processed_at');
        })
        .orderBy('id', 'desc')
        .limit(query.limit + 1);
      const data = rows.slice(0, query.limit).map((row: Record<string, unknown>) => ({
        id: Number(row.id), provider: row.provider, event_id: row.event_id, type: row.type, payment_id: row.payment_id ?? null,
        delivery_count: Number(row.delivery_count), received_at: iso(row.received_at), signaled_at: iso(row.signaled_at),
        processed_at: iso(row.processed_at), error: row.error ?? null,
      }));
      return { object: 'list', data, has_more: rows.length > query.limit };
    },
  });
  routes.add({
    method: 'post', path: '/v1/admin/webhook-events/relay', tag: 'Admin', roles: ['admin'], idempotent: true,
    summary: 'Hand stored events that never reached their workflow to it now',
    body: z.strictObject({}),
    response: { status: 200, description: 'How many were handed over', schema: z.object({ relayed: z.number().int() }) },
    handler: async () => ({ relayed: await dispatcher.relayPending(0) }),
  });
}
