import type { Client } from '@temporalio/client';
import type { Database } from '../../platform/database';
import { ApiError } from '../errors';
import { findEvent, listDeliveries, listEvents, redeliverEvent } from '../event-reads';
import { operationRef, type RouteTable } from '../route';
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

const READ = { 400: 'A query parameter is invalid', 401: 'No API key, or an unknown one', 404: 'No such object (or starting_after names none)' };
const WRITE = {
  400: 'The body is invalid (error.param names the field)', 401: 'No API key, or an unknown one',
  409: 'A request with this Idempotency-Key is still running', 422: 'This Idempotency-Key was used with another body',
};
const endpointLinks = {
  GetWebhookEndpoint: { operationRef: operationRef('get', '/v1/webhook-endpoints/:id'), parameters: { id: '$response.body#/id' } },
  ListWebhookDeliveries: { operationRef: operationRef('get', '/v1/webhook-endpoints/:id/deliveries'), parameters: { id: '$response.body#/id' } },
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
    errors: READ,
    handler: async (_ctx, { query }) => ({ object: 'list', ...found(await listEvents(db, query), 'event', query.starting_after ?? '', 'starting_after') }),
  });

  routes.add({
    method: 'get', path: '/v1/events/:id', tag: 'Events', roles,
    summary: 'One event',
    response: { status: 200, description: 'The event', schema: EventSchema },
    errors: { 401: READ[401], 404: 'No such event' },
    handler: async (_ctx, { params }) => found(await findEvent(db, params.id), 'event', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/events/:id/redeliver', tag: 'Events', roles, idempotent: true,
    summary: 'Send an event to an endpoint once more, now (one attempt; the same Durapay-Event-Id)',
    body: RedeliverEventBody,
    response: { status: 202, description: 'The delivery; the attempt runs in the background', schema: WebhookDeliverySchema },
    errors: { ...WRITE, 404: 'No such event, or no such webhook endpoint (param endpoint_id)', 409: 'The endpoint is disabled (webhook_endpoint_disabled), or the Idempotency-Key is in use' },
    links: {
      GetEvent: { operationRef: operationRef('get', '/v1/events/:id'), parameters: { id: '$response.body#/event_id' } },
      ListWebhookDeliveries: { operationRef: operationRef('get', '/v1/webhook-endpoints/:id/deliveries'), parameters: { id: '$response.body#/endpoint_id', 'query.event_id': '$response.body#/event_id' } },
    },
    handler: async (_ctx, { params, body }) => redeliverEvent(deps, params.id, body.endpoint_id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Subscribe a URL to events; the answer holds its signing secret, shown this once',
    body: CreateWebhookEndpointBody,
    response: { status: 201, description: 'The endpoint with its secret', schema: WebhookEndpointWithSecretSchema },
    errors: WRITE,
    links: endpointLinks,
    handler: async (_ctx, { body }) => createWebhookEndpoint(db, body),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints', tag: 'Webhook endpoints', roles,
    summary: 'Webhook endpoints, newest first',
    query: ListPageQuery,
    response: { status: 200, description: 'A page of endpoints', schema: WebhookEndpointListSchema },
    errors: READ,
    handler: async (_ctx, { query }) => ({ object: 'list', ...found(await listWebhookEndpoints(db, query), 'webhook endpoint', query.starting_after ?? '', 'starting_after') }),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles,
    summary: 'One webhook endpoint (never its secret)',
    response: { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
    errors: { 401: READ[401], 404: 'No such webhook endpoint (or it was deleted)' },
    handler: async (_ctx, { params }) => found(await findWebhookEndpoint(db, params.id), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Change an endpoint: url, enabled_events, description, or status (disable, enable again)',
    body: UpdateWebhookEndpointBody,
    response: { status: 200, description: 'The endpoint', schema: WebhookEndpointSchema },
    errors: { ...WRITE, 404: 'No such webhook endpoint' },
    handler: async (_ctx, { params, body }) => found(await updateWebhookEndpoint(db, params.id, body), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'delete', path: '/v1/webhook-endpoints/:id', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'Delete an endpoint: nothing more is sent to it, pending retries are canceled',
    response: { status: 200, description: 'Deleted', schema: DeletedWebhookEndpointSchema },
    errors: { 401: WRITE[401], 404: 'No such webhook endpoint', 409: WRITE[409], 422: WRITE[422] },
    handler: async (_ctx, { params }) => found(await deleteWebhookEndpoint(db, params.id), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'post', path: '/v1/webhook-endpoints/:id/rotate-secret', tag: 'Webhook endpoints', roles, idempotent: true,
    summary: 'A new signing secret (shown this once); the previous one keeps signing during the overlap',
    body: RotateSecretBody,
    response: { status: 200, description: 'The endpoint with its new secret', schema: WebhookEndpointWithSecretSchema },
    errors: { ...WRITE, 404: 'No such webhook endpoint' },
    links: { GetWebhookEndpoint: endpointLinks.GetWebhookEndpoint },
    handler: async (_ctx, { params, body }) => found(await rotateWebhookSecret(db, params.id, body.previous_secret_expires_in), 'webhook endpoint', params.id),
  });

  routes.add({
    method: 'get', path: '/v1/webhook-endpoints/:id/deliveries', tag: 'Webhook endpoints', roles,
    summary: "An endpoint's deliveries, newest first, with every attempt, status code and the next retry",
    query: ListDeliveriesQuery,
    response: { status: 200, description: 'A page of deliveries', schema: WebhookDeliveryListSchema },
    errors: { ...READ, 404: 'No such webhook endpoint, or starting_after names no delivery' },
    handler: async (_ctx, { params, query }) => {
      found(await findWebhookEndpoint(db, params.id), 'webhook endpoint', params.id);
      return { object: 'list', ...found(await listDeliveries(db, params.id, query), 'delivery', query.starting_after ?? '', 'starting_after') };
    },
  });
}
