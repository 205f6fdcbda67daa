import type { Context } from 'koa';
import { isValidIban } from '../../domain/iban';
import { ApiError } from '../errors';
import { actorOf } from '../middleware/auth';
import { findPayment, listPaymentEvents } from '../payment-reads';
import { PaymentEventListSchema } from '../schemas/payment-schemas';
import { type RefundEngine, requestRefund, takeRefundStep } from '../refund-commands';
import { listRefunds, findRefundRow, toRefund } from '../refund-reads';
import type { RouteTable } from '../route';
import {
  AlternativeMethodBody, AppealRefundBody, ApproveRefundBody, CreateRefundBody, DenyRefundBody, ListRefundsQuery,
  MarkSentBody, RefundListSchema, RefundSchema,
} from '../schemas/refund-schemas';
import {
  appealRefundUpdate, decideRefundUpdate, markTransferSentUpdate, setAlternativeMethodUpdate,
} from '../../workflows/refund-definitions';
import { updateIdFor } from './payment-routes';

const isAdmin = (ctx: Context) => ctx.state.principal?.role === 'admin';

export function addRefundRoutes(routes: RouteTable, engine: RefundEngine): void {
  routes.add({
    method: 'post', path: '/v1/payments/:id/refunds', tag: 'Refunds', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Request a refund; it waits for an admin to approve or deny it',
    body: CreateRefundBody,
    response: { status: 202, description: 'The refund, pending review, with its amount reserved', schema: RefundSchema },
    handler: async (ctx, { body, params }) => {
      if (!(await findPayment(engine.db, params.id))) throw ApiError.notFound('payment', params.id);
      const refundId = await ctx.state.idempotency!.resourceId('rfd');
      return requestRefund(engine, { refundId, paymentId: params.id, amount: body.amount, reason: body.reason, details: body.details, actor: actorOf(ctx) });
    },
  });

  routes.add({
    method: 'get', path: '/v1/payments/:id/refunds', tag: 'Refunds', roles: ['merchant', 'admin'],
    summary: "A payment's refunds, newest first",
    response: { status: 200, description: 'The refunds', schema: RefundListSchema },
    handler: async (ctx, { params }) => {
      if (!(await findPayment(engine.db, params.id))) throw ApiError.notFound('payment', params.id);
      const page = (await listRefunds(engine.db, { payment_id: params.id, limit: 100 }))!;
      return { object: 'list', data: page.rows.map((row) => toRefund(row, { showIban: isAdmin(ctx) })), has_more: page.has_more };
    },
  });

  routes.add({
    method: 'get', path: '/v1/refunds', tag: 'Refunds', roles: ['merchant', 'admin'],
    summary: 'Refunds, newest first; status=pending_review is the admin review queue',
    query: ListRefundsQuery,
    response: { status: 200, description: 'A page of refunds', schema: RefundListSchema },
    handler: async (ctx, { query }) => {
      const page = await listRefunds(engine.db, query);
      if (!page) throw ApiError.notFound('refund', query.starting_after ?? '', 'starting_after');
      return { object: 'list', data: page.rows.map((row) => toRefund(row, { showIban: isAdmin(ctx) })), has_more: page.has_more };
    },
  });

  routes.add({
    method: 'get', path: '/v1/refunds/:id', tag: 'Refunds', roles: ['merchant', 'admin'],
    summary: 'Retrieve a refund',
    response: { status: 200, description: 'The refund', schema: RefundSchema },
    handler: async (ctx, { params }) => {
      const row = await findRefundRow(engine.db, params.id);
      if (!row) throw ApiError.notFound('refund', params.id);
      return toRefund(row, { showIban: isAdmin(ctx) });
    },
  });

  routes.add({
    method: 'get', path: '/v1/refunds/:id/events', tag: 'Refunds', roles: ['merchant', 'admin'],
    summary: "The refund's own history: every step with its actor and reason",
    response: { status: 200, description: 'Oldest first', schema: PaymentEventListSchema },
    handler: async (_ctx, { params }) => {
      const row = await findRefundRow(engine.db, params.id);
      if (!row) throw ApiError.notFound('refund', params.id);
      return { object: 'list', data: await listPaymentEvents(engine.db, row.payment_id as string, { refundId: params.id }), has_more: false };
    },
  });

  routes.add({
    method: 'post', path: '/v1/refunds/:id/approve', tag: 'Refunds', roles: ['admin'], idempotent: true,
    summary: 'Approve a refund (admin); the money goes back through the provider',
    body: ApproveRefundBody,
    response: { status: 200, description: 'The approved refund', schema: RefundSchema },
    handler: async (ctx, { body, params }) =>
      takeRefundStep(engine, params.id, {
        step: 'approve', update: decideRefundUpdate, showIban: true, updateId: updateIdFor(ctx, 'refund-approve'),
        args: { decision: 'approve', actor: actorOf(ctx), reason: body.reason ?? null },
      }),
  });

  routes.add({
    method: 'post', path: '/v1/refunds/:id/deny', tag: 'Refunds', roles: ['admin'], idempotent: true,
    summary: 'Deny a refund (admin), with a reason the customer is told',
    body: DenyRefundBody,
    response: { status: 200, description: 'The denied refund', schema: RefundSchema },
    handler: async (ctx, { body, params }) =>
      takeRefundStep(engine, params.id, {
        step: 'deny', update: decideRefundUpdate, showIban: true, updateId: updateIdFor(ctx, 'refund-deny'),
        args: { decision: 'deny', actor: actorOf(ctx), reason: body.reason },
      }),
  });

  routes.add({
    method: 'post', path: '/v1/refunds/:id/appeal', tag: 'Refunds', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Appeal a denied refund: review opens again, once',
    body: AppealRefundBody,
    response: { status: 200, description: 'The refund, pending review again', schema: RefundSchema },
    handler: async (ctx, { body, params }) =>
      takeRefundStep(engine, params.id, {
        step: 'appeal', update: appealRefundUpdate, showIban: isAdmin(ctx), updateId: updateIdFor(ctx, 'refund-appeal'),
        args: { actor: actorOf(ctx), details: body.details },
      }),
  });

  routes.add({
    method: 'post', path: '/v1/refunds/:id/alternative-method', tag: 'Refunds', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Give a bank account for a refund the card could not take back',
    body: AlternativeMethodBody,
    response: { status: 200, description: 'The refund, awaiting the bank transfer', schema: RefundSchema },
    handler: async (ctx, { body, params }) => {
      if (!isValidIban(body.iban)) throw ApiError.invalid('invalid_iban', 'The IBAN is not valid: check its country code, length and check digits.', 'iban');
      return takeRefundStep(engine, params.id, {
        step: 'alternative_method', update: setAlternativeMethodUpdate, showIban: isAdmin(ctx), updateId: updateIdFor(ctx, 'refund-alternative-method'),
        args: { actor: actorOf(ctx), iban: body.iban, accountHolderName: body.account_holder_name },
      });
    },
  });

  routes.add({
    method: 'post', path: '/v1/refunds/:id/mark-sent', tag: 'Refunds', roles: ['admin'], idempotent: true,
    summary: 'Mark a bank-transfer refund as sent (admin)',
    body: MarkSentBody,
    response: { status: 200, description: 'The succeeded refund', schema: RefundSchema },
    handler: async (ctx, { body, params }) =>
      takeRefundStep(engine, params.id, {
        step: 'transfer_sent', update: markTransferSentUpdate, showIban: true, updateId: updateIdFor(ctx, 'refund-transfer-sent'),
        args: { actor: actorOf(ctx), reference: body.reference ?? null },
      }),
  });
}
