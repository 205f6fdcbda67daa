import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { chooseMethod, SAVED_METHOD_PREFIX } from '../../domain/payment-method-choice';
import { cancelPayment, capturePayment, markPaymentReceived, type PaymentEngine, startPayment } from '../payment-commands';
import { findDefaultMethod, findSavedMethod } from '../vault-reads';
import { findPayment, listPaymentEvents, listPayments } from '../payment-reads';
import type { RouteTable } from '../route';
import {
  CancelPaymentBody,
  CapturePaymentBody,
  CreatePaymentBody,
  ListPaymentsQuery,
  MarkSucceededBody,
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
      const saved = body.payment_method?.startsWith(SAVED_METHOD_PREFIX)
        ? await findSavedMethod(engine.db, body.payment_method)
        : body.use_default_payment_method && body.customer_id ? await findDefaultMethod(engine.db, body.customer_id) : null;
      if (body.use_default_payment_method && !saved) {
        throw ApiError.invalid('no_default_payment_method', 'This customer has no active default payment method.', 'use_default_payment_method');
      }
      const choice = chooseMethod(body, saved);
      if (!choice.ok) throw choice.code === 'resource_missing' ? new ApiError(404, 'invalid_request_error', choice.code, choice.message, choice.param) : ApiError.invalid(choice.code, choice.message, choice.param);
      if (choice.method.type === 'sepa_debit' && body.capture_method === 'manual') {
        throw ApiError.invalid('capture_method_not_supported', 'SEPA Direct Debit payments are captured automatically.', 'capture_method');
      }
      const provider = engine.providers[choice.method.provider];
      if (choice.method.provider !== 'offline' && !provider?.isConfigured()) {
        throw ApiError.invalid('provider_not_configured', `The ${choice.method.provider} provider is not configured on this engine.`, 'provider');
      }
      const paymentId = await ctx.state.idempotency!.resourceId('pay');
      return startPayment(engine, { paymentId, body, method: choice.method, actor: actorOf(ctx) });
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
    method: 'put', path: '/v1/payments/:id/succeeded', tag: 'Payments', roles: ['admin'], idempotent: true,
    summary: 'Mark a cash or bank-transfer payment received (admin)',
    body: MarkSucceededBody,
    response: { status: 200, description: 'The succeeded payment', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => {
      await requirePayment(engine, params.id);
      return markPaymentReceived(engine, params.id, { receivedAmount: body.received_amount, reference: body.reference, actor: actorOf(ctx), updateId: updateIdFor(ctx, 'received') });
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
