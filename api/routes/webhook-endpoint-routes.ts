import type { Client } from '@temporalio/client';
import type { Database } from '../../platform/database';
import { ApiError } from '../errors';
import { findEvent, listDeliveries, listEvents, redeliverEvent } from '../event-reads';
import type { RouteTable } from '../route';
import {
  CreateWebhookEndpointBody, DeletedWebhookEndpointSchema, EventListSchema, EventSchema, ListDeliveriesQuery, ListEventsQuery, ListPageQuery,
  RedeliverEventBody, RotateSecretBody, UpdateWebhookEndpointBody, WebhookDeliveryListSchema, WebhookDeliverySchema, WebhookEndpointListSchema,
  WebhookEndpointSchema, WebhookEndpointWithSecretSchema,
} from '../schemas/webhook-schemas';
import {
  createWebhookEndpoint, deleteWebhookEndpoint, findWebhookEndpoint, listWebhookEndpoints, rotateWebhookSecret, updateWebhookEndpoint,
} from '../webhook-endpoints';

const found = <T>(value: T | null, what: string, id: string, param = 'id'): T => {
  if (value === null) throw ApiError.notFound(what, id, param);
  return value;
};

/** The merchant's integration surface: events (evt_) and the webhook endpoints they are delivered to. */
export function addWebhookEndpointRoutes(routes: RouteTable, deps: { db: Database; client: Client; taskQueue: string }): void {
  const { db } = deps;
  const roles: Array<'merchant' | 'admin'> = ['merchant', 'admin'];

  routes.add({
    method: 'get', path: '/v1/events', tag: 'Events', roles,
    summary: 'Events, newest first; filter by type',
    query: ListEventsQuery,
    response: { status: 200, description: 'A page of events', schema: EventListSchema },
    handler: async (_ctx, { query }) => ({ object: 'list', ...found(await listEvents(db, query), 'event', query.starting_after ?? '', 'starting_after') }),
  });

  routes.add({
    method: 'get', path: '/v1/events/:id', tag: 'Events', roles,
    summary: 'One event',
    response: { status: 200, description: 'The event', schema: EventSchema },
    handler: async (_ctx, { params }) => found(await findEvent(db, params.id), 'event', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/events/:id/redeliver', tag: 'Events', roles, idempotent: true,
    summary: 'Send an event to an endpoint once more, now (one attempt; the same Durapay-Event-Id)',
    body: RedeliverEventBody,
    response: { status: 202, description: 'The delivery; the attempt runs in the background', schema: WebhookDeliverySchema },
    handler: async (_ctx, { params, body }) => redeliverEvent(deps, params.id, body.endpoint_id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Subscribe a URL to events; the answer holds its signing secret, shown this once',
    body: CreateWebhookEndpointBody,
    response: { status: 201, description: 'The endpoint with its secret', schema: WebhookEndpointWithSecretSchema },
    handler: async (_ctx, { body }) => createWebhookEndpoint(db, body),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints', tag: 'Webhook endpoints', roles,
    summary: 'Webhook endpoints, newest first',
    query: ListPageQuery,
    response: { status: 200, description: 'A page of endpoints', schema: WebhookEndpointListSchema },
    handler: async (_ctx, { query }) => ({ object: 'list', ...found(await listWebhookEndpoints(db, query), 'webhook endpoint', query.starting_after ?? '', 'starting_after') }),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles,
    summary: 'One webhook endpoint (never its secret)',
    response: { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
    handler: async (_ctx, { params }) => found(await findWebhookEndpoint(db, params.id), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Change an endpoint: url, enabled_events, description, or status (disable, enable again)',
    body: UpdateWebhookEndpointBody,
    response: { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
    handler: async (_ctx, { params, body }) => found(await updateWebhookEndpoint(db, params.id, body), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'delete', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Delete an endpoint: nothing more is sent to it, pending retries are canceled',
    response: { status: 200, description: 'Deleted', schema: DeletedWebhookEndpointSchema },
    handler: async (_ctx, { params }) => found(await deleteWebhookEndpoint(db, params.id), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints/:id/rotate-secret', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'A new signing secret (shown this once); the previous one keeps signing during the overlap',
    body: RotateSecretBody,
    response: { status: 200, description: 'The endpoint with its new secret', schema: WebhookEndpointWithSecretSchema },
    handler: async (_ctx, { params, body }) => found(await rotateWebhookSecret(db, params.id, body.previous_secret_expires_in), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints/:id/deliveries', tag: 'Webhook endpoints', roles,
    summary: "An endpoint's deliveries, newest first, with every attempt, status code and the next retry",
    query: ListDeliveriesQuery,
    response: { status: 200, description: 'A page of deliveries', schema: WebhookDeliveryListSchema },
    handler: async (_ctx, { params, query }) => {
      found(await findWebhookEndpoint(db, params.id), 'webhook endpoint', params.id);
      return { object: 'list', ...found(await listDeliveries(db, params.id, query), 'delivery', query.starting_after ?? '', 'starting_after') };
    },
  });
}
