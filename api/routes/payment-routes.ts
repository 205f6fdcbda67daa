import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { Payment } from '../../domain/payment';
import { type ChosenMethod, chooseMethod, SAVED_METHOD_PREFIX } from '../../domain/payment-method-choice';
import { cancelPayment, capturePayment, markPaymentReceived, type PaymentEngine, retryPayment, startPayment } from '../payment-commands';
import { findDefaultMethod, findSavedMethod } from '../vault-reads';
import { attemptStartedBy, findPayment, findPaymentVersion, listPaymentEvents, listPayments } from '../payment-reads';
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
  RetryPaymentBody,
} from '../schemas/payment-schemas';
import { capabilitiesOf, payerReturnUrls } from '../../providers/capabilities';
import { ApiError } from '../errors';
import { actorOf } from '../middleware/auth';
import { refuseWhilePaused } from '../risk-commands';

/** Temporal dedupes updates by id; deriving it from the Idempotency-Key makes retries land once. */
export function updateIdFor(ctx: Context, action: string): string {
  const key = ctx.state.idempotency?.key ?? '';
  return `${action}-${createHash('sha256').update(`${ctx.state.principal?.id}:${key}`).digest('hex').slice(0, 32)}`;
}

async function requirePayment(engine: PaymentEngine, id: string) {
  const payment = await findPayment(engine.db, id);
  if (!payment) throw ApiError.notFound('payment', id);
  return payment;
}

/** The method a retry pays with: the one named (validated as on creation), else the failed attempt's own. */
async function chooseRetryMethod(engine: PaymentEngine, payment: Payment, body: RetryPaymentBody): Promise<ChosenMethod> {
  const named = body.payment_method ?? payment.saved_payment_method_id ?? payment.payment_method ?? undefined;
  const saved = named?.startsWith(SAVED_METHOD_PREFIX) ? await findSavedMethod(engine.db, named) : null;
  const type = body.payment_method || payment.payment_method_type === 'sepa_debit' ? undefined : payment.payment_method_type;
  const choice = chooseMethod(
    { provider: payment.provider, payment_method_type: type, payment_method: named, customer_id: payment.customer_id ?? undefined, currency: payment.currency },
    saved,
  );
  if (!choice.ok) throw methodRefusal(choice.code, choice.message, choice.param);
  if (body.payment_method && choice.method.providerMethodId === null) {
    throw ApiError.invalid('parameter_invalid', `A ${choice.method.type} payment is retried without payment_method.`, 'payment_method');
  }
  if (choice.method.provider !== payment.provider) {
    throw ApiError.invalid('parameter_invalid', `A retry stays with the payment's provider (${payment.provider}): create a new payment to pay another way.`, 'payment_method');
  }
  if (choice.method.type === 'sepa_debit' && payment.capture_method === 'manual') {
    throw methodRefusal('capture_method_not_supported', 'SEPA Direct Debit payments are captured automatically.', 'payment_method');
  }
  if (!engine.providers[payment.provider]?.isConfigured()) {
    throw ApiError.invalid('provider_not_configured', `The ${payment.provider} provider is not configured on this engine.`, 'provider');
  }
  return choice.method;
}

/** Refusals that depend on stored state (the saved method, the customer's default) conflict with it: 409. */
const STATE_CONFLICTS = new Set(['payment_method_inactive', 'payment_method_customer_mismatch', 'currency_not_supported', 'no_default_payment_method', 'capture_method_not_supported']);

function methodRefusal(code: string, message: string, param: string): ApiError {
  if (code === 'resource_missing') return new ApiError(404, 'invalid_request_error', code, message, param);
  // A saved method without any customer_id is a malformed request, not a conflict.
  const conflict = STATE_CONFLICTS.has(code) && !(code === 'payment_method_customer_mismatch' && param === 'customer_id');
  return new ApiError(conflict ? 409 : 400, 'invalid_request_error', code, message, param);
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
        throw methodRefusal('no_default_payment_method', 'This customer has no active default payment method.', 'use_default_payment_method');
      }
      const choice = chooseMethod(body, saved);
      if (!choice.ok) throw methodRefusal(choice.code, choice.message, choice.param);
      const capabilities = capabilitiesOf(choice.method.provider);
      const method = capabilities.methods[choice.method.type];
      // Methods settled by the merchant (cash, bank transfer) are simply recorded as automatic.
      if (body.capture_method === 'manual' && method && !method.manualCapture && capabilities.settledBy === 'provider') {
        throw methodRefusal('capture_method_not_supported', `${method.label} payments are captured automatically.`, 'capture_method');
      }
      const provider = engine.providers[choice.method.provider];
      if (capabilities.settledBy === 'provider' && !provider?.isConfigured()) {
        throw ApiError.invalid('provider_not_configured', `The ${choice.method.provider} provider is not configured on this engine.`, 'provider');
      }
      await refuseWhilePaused(ctx, engine, choice.method.provider);
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
    method: 'post', path: '/v1/payments/:id/retry', tag: 'Payments', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Retry a failed payment, with the same or another payment method',
    body: RetryPaymentBody,
    response: { status: 200, description: 'The payment, as soon as the provider has answered the new attempt', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => {
      const payment = await requirePayment(engine, params.id);
      const requestId = updateIdFor(ctx, 'retry');
      // This request's attempt was made already (its first answer got lost): answer from the record, never a second attempt.
      if (await attemptStartedBy(engine.db, payment.id, requestId)) return requirePayment(engine, params.id);
      if (payment.status !== 'failed' || !capabilitiesOf(payment.provider).retriesFailedPayments) {
        throw new ApiError(409, 'invalid_request_error', 'payment_unexpected_state', `Only a failed payment can be retried: this one is ${payment.status}.`);
      }
      const method = await chooseRetryMethod(engine, payment, body);
      const stateVersion = (await findPaymentVersion(engine.db, payment.id)) ?? 0;
      const { returnUrl, cancelUrl } = payerReturnUrls({
        publicUrl: engine.publicUrl, provider: payment.provider, methodType: payment.payment_method_type, paymentId: payment.id, merchantReturnUrl: body.return_url ?? engine.returnUrl,
      });
      return retryPayment(engine, {
        payment, stateVersion, cancelUrl,
        retry: {
          actor: actorOf(ctx), requestId, trigger: 'manual', returnUrl,
          paymentMethod: method.providerMethodId, paymentMethodType: method.type, savedPaymentMethodId: method.savedMethodId,
          method: { providerCustomerId: method.providerCustomerId, mandateId: method.mandateId },
        },
      });
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
    summary: 'Cancel a payment that has not completed, or call off the automatic retry of a failed one',
    body: CancelPaymentBody,
    response: { status: 200, description: 'The canceled payment; a failed payment stays failed, without next_retry_at', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => {
      await requirePayment(engine, params.id);
      return cancelPayment(engine, params.id, { reason: body.cancellation_reason, actor: actorOf(ctx), updateId: updateIdFor(ctx, 'cancel') });
    },
  });
}
