import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { cancelPayment, capturePayment, type PaymentEngine, startPayment } from '../payment-commands';
import { findPayment, listPaymentEvents, listPayments } from '../payment-reads';
import type { RouteTable } from '../route';
import {
  CancelPaymentBody,
  CapturePaymentBody,
  CreatePaymentBody,
  ListPaymentsQuery,
  PaymentEventListSchema,
  PaymentListSchema,
  PaymentSchema,
} from '../schemas/payment-schemas';
import { ApiError } from '../errors';

function actorOf(ctx: Context): string {
  return `api_key:${ctx.state.principal?.id ?? 'unknown'}`;
}

/** Temporal dedupes updates by id; deriving it from the Idempotency-Key makes retries land once. */
function updateIdFor(ctx: Context, action: string): string {
  const key = ctx.state.idempotency?.key ?? '';
  return `${action}-${createHash('sha256').update(`${ctx.state.principal?.id}:${key}`).digest('hex').slice(0, 32)}`;
}

async function requirePayment(engine: PaymentEngine, id: string) {
  const payment = await findPayment(engine.db, id);
  if (!payment) throw ApiError.notFound('payment', id);
  return payment;
}

export function addPaymentRoutes(routes: RouteTable, engine: PaymentEngine): void {
  routes.add({
    method: 'post', path: '/v1/payments', tag: 'Payments', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Create and confirm a card payment',
    body: CreatePaymentBody,
    response: { status: 201, description: 'The payment, as soon as the provider has answered', schema: PaymentSchema },
    handler: async (ctx, { body }) => {
      const paymentId = await ctx.state.idempotency!.resourceId('pay');
      return startPayment(engine, { paymentId, body, actor: actorOf(ctx) });
    },
  });

  routes.add({
    method: 'get', path: '/v1/payments', tag: 'Payments', roles: ['merchant', 'admin'],
    summary: 'List payments, newest first',
    query: ListPaymentsQuery,
    response: { status: 200, description: 'A page of payments', schema: PaymentListSchema },
    handler: async (_ctx, { query }) => {
      const page = await listPayments(engine.db, query);
      if (!page) throw ApiError.notFound('payment', query.starting_after ?? '', 'starting_after');
      return { object: 'list', ...page };
    },
  });

  routes.add({
    method: 'get', path: '/v1/payments/:id', tag: 'Payments', roles: ['merchant', 'admin'],
    summary: 'Retrieve a payment',
    response: { status: 200, description: 'The payment', schema: PaymentSchema },
    handler: async (_ctx, { params }) => requirePayment(engine, params.id),
  });

  routes.add({
    method: 'get', path: '/v1/payments/:id/events', tag: 'Payments', roles: ['merchant', 'admin'],
    summary: "The payment's history: every status change and every provider event, with source and actor",
    response: { status: 200, description: 'The history, oldest first', schema: PaymentEventListSchema },
    handler: async (_ctx, { params }) => {
      await requirePayment(engine, params.id);
      return { object: 'list', data: await listPaymentEvents(engine.db, params.id), has_more: false };
    },
  });

  routes.add({
    method: 'post', path: '/v1/payments/:id/capture', tag: 'Payments', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Capture an authorized payment, fully or partly',
    body: CapturePaymentBody,
    response: { status: 200, description: 'The captured payment', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => {
      await requirePayment(engine, params.id);
      return capturePayment(engine, params.id, { amountToCapture: body.amount_to_capture, actor: actorOf(ctx), updateId: updateIdFor(ctx, 'capture') });
    },
  });

  routes.add({
    method: 'post', path: '/v1/payments/:id/cancel', tag: 'Payments', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Cancel a payment that has not completed',
    body: CancelPaymentBody,
    response: { status: 200, description: 'The canceled payment', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => {
      await requirePayment(engine, params.id);
      return cancelPayment(engine, params.id, { reason: body.cancellation_reason, actor: actorOf(ctx), updateId: updateIdFor(ctx, 'cancel') });
    },
  });
}
