import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Database } from '../platform/database';
import type { DeliverWebhookInput } from '../workflows/deliver-webhook';
import { ApiError } from './errors';
import { newestFirstPage } from './newest-first-page';

type Row = Record<string, any>;
const iso = (value: unknown): string | null => (value == null ? null : new Date(value as string).toISOString());

export function toEvent(row: Row) {
  return { id: row.id as string, object: 'event' as const, type: row.type, created: Math.floor(new Date(row.created_at).getTime() / 1000), data: { object: row.data } };
}

export async function findEvent(db: Database, id: string) {
  const row = await db('events').where({ id }).first();
  return row ? toEvent(row) : null;
}

/** Newest first: seq orders events recorded in one transaction (created before succeeded). */
export async function listEvents(db: Database, query: { type?: string; limit: number; starting_after?: string }) {
  const page = await newestFirstPage(db, 'events', { timeColumn: 'seq', where: { type: query.type }, limit: query.limit, startingAfter: query.starting_after });
  return page && { data: page.rows.map(toEvent), has_more: page.has_more };
}

/** The same id the recorder derives in SQL (activities/merchant-events.ts). */
export function deliveryIdFor(eventId: string, endpointId: string): string {
  return `wd_${createHash('md5').update(`${eventId}:${endpointId}`).digest('hex').slice(0, 24)}`;
}

async function toDeliveries(db: Database, rows: Row[]) {
  const attempts: Row[] = rows.length
    ? await db('webhook_delivery_attempts').whereIn('delivery_id', rows.map((row) => row.id)).orderBy('id')
    : [];
  const types = new Map<string, string>(
    (await db('events').whereIn('id', [...new Set(rows.map((row) => row.event_id as string))]).select('id', 'type')).map((e: Row) => [e.id, e.type]),
  );
  return rows.map((row) => ({
    id: row.id as string,
    object: 'webhook_delivery' as const,
    event_id: row.event_id as string,
    event_type: types.get(row.event_id)!,
    endpoint_id: row.endpoint_id as string,
    status: row.status as 'pending' | 'delivered' | 'failed' | 'canceled',
    attempt_count: Number(row.attempt_count),
    last_status_code: row.last_status_code ?? null,
    last_error: row.last_error ?? null,
    next_retry_at: row.status === 'pending' ? iso(row.next_retry_at) : null,
    delivered_at: iso(row.delivered_at),
    created_at: iso(row.created_at)!,
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        status_code: attempt.status_code ?? null, error: attempt.error ?? null, duration_ms: Number(attempt.duration_ms),
        redelivery: attempt.workflow_id !== row.id, attempted_at: iso(attempt.attempted_at)!,
      })),
  }));
}

export async function listDeliveries(db: Database, endpointId: string, query: { event_id?: string; limit: number; starting_after?: string }) {
  const page = await newestFirstPage(db, 'webhook_deliveries', {
    timeColumn: 'created_at', where: { endpoint_id: endpointId, event_id: query.event_id }, limit: query.limit, startingAfter: query.starting_after,
  });
  return page && { data: await toDeliveries(db, page.rows), has_more: page.has_more };
}

/**
 * Sends an event to an endpoint once more, now, as its own workflow (one attempt); also to an endpoint that was not
 * subscribed to it, or created after it. The receiver sees the same Durapay-Event-Id.
 */
export async function redeliverEvent(deps: { db: Database; client: Client; taskQueue: string }, eventId: string, endpointId: string) {
  const { db } = deps;
  const event = await db('events').where({ id: eventId }).first('id');
  if (!event) throw ApiError.notFound('event', eventId);
  const endpoint = await db('webhook_endpoints').where({ id: endpointId }).whereNull('deleted_at').first('status');
  if (!endpoint) throw ApiError.notFound('webhook endpoint', endpointId, 'endpoint_id');
  if (endpoint.status !== 'enabled') {
    throw new ApiError(409, 'invalid_request_error', 'webhook_endpoint_disabled', 'This webhook endpoint is disabled: enable it first (POST /v1/webhook-endpoints/:id {"status": "enabled"}).', 'endpoint_id');
  }
  const id = deliveryIdFor(eventId, endpointId);
  // Not part of the automatic deliveries (dispatched_at set): only the redelivery workflow sends it.
  await db('webhook_deliveries').insert({ id, event_id: eventId, endpoint_id: endpointId, dispatched_at: db.fn.now() }).onConflict('id').ignore();
  const [{ redelivery_count: count }] = await db('webhook_deliveries').where({ id }).increment('redelivery_count', 1).returning('redelivery_count');
  const input: DeliverWebhookInput = { deliveryId: id, retryDelaysSeconds: [], redelivery: true };
  await deps.client.workflow.start('deliverWebhook', { workflowId: `${id}:redelivery-${count}`, taskQueue: deps.taskQueue, args: [input] });
  const [row] = await db('webhook_deliveries').where({ id });
  return (await toDeliveries(db, [row]))[0];
}
