import { z } from 'zod';
import { normalizeBlocklistValue } from '../../domain/risk';
import { clearCustomerFlag, endPauses, toReview } from '../../activities/risk-store';
import { ApiError } from '../errors';
import { newId } from '../ids';
import { actorOf } from '../middleware/auth';
import { newestFirstPage } from '../newest-first-page';
import { PAYMENT_RECORDS } from '../payment-reads';
import type { RefundEngine } from '../refund-commands';
import { confirmFraud, decideReview, pauseProcessingNow } from '../risk-commands';
import type { RouteTable } from '../route';
import { PaymentSchema } from '../schemas/payment-schemas';
import { updateIdFor } from './payment-routes';
import {
  BlocklistEntryBody, BlocklistEntrySchema, ConfirmFraudBody, ListBlocklistQuery, ListReviewsQuery, PauseBody, PauseSchema,
  ReviewPaymentBody, ReviewSchema,
} from '../schemas/risk-schemas';

type Row = Record<string, unknown>;
const iso = (value: unknown) => (value == null ? null : value instanceof Date ? value.toISOString() : String(value));

const toBlocklistEntry = (row: Row) => ({
  id: String(row.id), object: 'blocklist_entry' as const, kind: row.kind, value: String(row.value), reason: (row.reason as string) ?? null,
  created_by: String(row.created_by), created_at: iso(row.created_at)!,
});

const toPause = (row: Row) => ({
  id: String(row.id), object: 'pause' as const, scope: String(row.scope), reason: String(row.reason), started_by: String(row.started_by),
  started_at: iso(row.started_at)!, ended_by: (row.ended_by as string) ?? null, ended_at: iso(row.ended_at),
});

/** Risk review: held payments' decisions, confirmed fraud, block lists and processing pauses. Admin key only. */
export function addRiskRoutes(routes: RouteTable, engine: RefundEngine): void {
  const { db } = engine;

  routes.add({
    method: 'post', path: '/v1/payments/:id/review', tag: 'Risk', roles: ['admin'], idempotent: true,
    summary: 'Approve or block a payment held for review',
    body: ReviewPaymentBody,
    response: { status: 200, description: 'The payment after the decision', schema: PaymentSchema },
    handler: async (ctx, { body, params }) =>
      decideReview(engine, { paymentId: params.id, decision: body.decision, reason: body.reason ?? null, actor: actorOf(ctx), updateId: updateIdFor(ctx, 'review') }),
  });

  routes.add({
    method: 'post', path: '/v1/payments/:id/fraud', tag: 'Risk', roles: ['admin'], idempotent: true,
    summary: 'Confirm fraud on a payment: let go of what it holds, refund what can be, flag its customer',
    body: ConfirmFraudBody,
    response: { status: 200, description: 'The payment', schema: PaymentSchema },
    handler: async (ctx, { body, params }) => confirmFraud(engine, { paymentId: params.id, reason: body.reason, actor: actorOf(ctx) }),
  });

  routes.add({
    method: 'get', path: '/v1/reviews', tag: 'Risk', roles: ['admin'],
    summary: 'Risk reviews, newest first; status=open lists what waits for a decision',
    query: ListReviewsQuery,
    response: { status: 200, description: 'A page of reviews', schema: z.object({ object: z.literal('list'), data: z.array(ReviewSchema), has_more: z.boolean() }) },
    handler: async (_ctx, { query }) => {
      const page = await newestFirstPage(db, 'risk_reviews', { timeColumn: 'opened_at', where: { status: query.status }, limit: query.limit, startingAfter: query.starting_after });
      if (!page) throw ApiError.notFound('review', query.starting_after!, 'starting_after');
      const ids = page.rows.map((row) => String(row.payment_id));
      const payments = new Map((await db(PAYMENT_RECORDS).whereIn('id', ids).select('id', 'amount', 'currency', 'status', 'customer_id', 'provider')).map((p) => [p.id, p]));
      const data = page.rows.map((row) => {
        const p = payments.get(String(row.payment_id));
        return {
          ...toReview(row), object: 'review' as const,
          payment: { amount: Number(p?.amount ?? 0), currency: String(p?.currency ?? ''), status: String(p?.status ?? ''), customer_id: p?.customer_id ?? null, provider: String(p?.provider ?? '') },
        };
      });
      return { object: 'list', data, has_more: page.has_more };
    },
  });

  routes.add({
    method: 'post', path: '/v1/admin/blocklist', tag: 'Risk', roles: ['admin'], idempotent: true,
    summary: 'Block a customer id, email domain, card fingerprint or payer IP; adding it again returns the entry',
    body: BlocklistEntryBody,
    response: { status: 201, description: 'The entry', schema: BlocklistEntrySchema },
    handler: async (ctx, { body }) => {
      const value = normalizeBlocklistValue(body.kind, body.value);
      await db('risk_blocklist').insert({ id: newId('blk'), kind: body.kind, value, reason: body.reason ?? null, created_by: actorOf(ctx) }).onConflict(['kind', 'value']).ignore();
      return toBlocklistEntry(await db('risk_blocklist').where({ kind: body.kind, value }).first());
    },
  });

  routes.add({
    method: 'get', path: '/v1/admin/blocklist', tag: 'Risk', roles: ['admin'],
    summary: 'The block list, newest first',
    query: ListBlocklistQuery,
    response: { status: 200, description: 'Every entry', schema: z.object({ object: z.literal('list'), data: z.array(BlocklistEntrySchema), has_more: z.boolean() }) },
    handler: async (_ctx, { query }) => {
      const rows = await db('risk_blocklist').modify((q) => { if (query.kind) q.where({ kind: query.kind }); }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
      return { object: 'list', data: rows.map(toBlocklistEntry), has_more: false };
    },
  });

  routes.add({
    method: 'delete', path: '/v1/admin/blocklist/:id', tag: 'Risk', roles: ['admin'],
    summary: 'Remove a block-list entry',
    response: { status: 200, description: 'The removed entry', schema: BlocklistEntrySchema.extend({ deleted: z.literal(true) }) },
    handler: async (_ctx, { params }) => {
      const [row] = await db('risk_blocklist').where({ id: params.id }).delete().returning('*');
      if (!row) throw ApiError.notFound('blocklist entry', params.id);
      return { ...toBlocklistEntry(row), deleted: true as const };
    },
  });

  routes.add({
    method: 'post', path: '/v1/admin/pause', tag: 'Risk', roles: ['admin'], idempotent: true,
    summary: 'Pause new payments (all, or one provider); running payments finish; admins are alerted',
    body: PauseBody,
    response: { status: 200, description: 'The pause in force for that scope', schema: PauseSchema },
    handler: async (ctx, { body }) => {
      const scope = body.scope as 'all' | `provider:${string}`;
      await pauseProcessingNow(engine, { scope, reason: body.reason, actor: actorOf(ctx) });
      const pause = await db('processing_pauses').where({ scope }).whereNull('ended_at').first();
      // A resume that came in meanwhile lifted it already.
      if (!pause) throw new ApiError(409, 'invalid_request_error', 'pause_lifted', 'The pause was lifted by a resume while it was being started.');
      return toPause(pause);
    },
  });

  routes.add({
    method: 'post', path: '/v1/admin/resume', tag: 'Risk', roles: ['admin'], idempotent: true,
    summary: 'Lift every pause in force',
    body: z.strictObject({}),
    response: { status: 200, description: 'The pauses lifted', schema: z.object({ object: z.literal('list'), data: z.array(PauseSchema), has_more: z.boolean() }) },
    handler: async (ctx) => ({ object: 'list', data: (await endPauses(db, actorOf(ctx))).map(toPause), has_more: false }),
  });

  routes.add({
    method: 'get', path: '/v1/admin/pauses', tag: 'Risk', roles: ['admin'],
    summary: 'Pauses in force',
    response: { status: 200, description: 'Pauses in force', schema: z.object({ object: z.literal('list'), data: z.array(PauseSchema), has_more: z.boolean() }) },
    handler: async () => ({ object: 'list', data: (await db('processing_pauses').whereNull('ended_at').orderBy('started_at')).map(toPause), has_more: false }),
  });

  routes.add({
    method: 'delete', path: '/v1/customers/:id/risk-flag', tag: 'Risk', roles: ['admin'],
    summary: "Clear a customer's fraud flag, so they can pay again",
    response: { status: 200, description: 'The customer id and its cleared flag', schema: z.object({ customer_id: z.string(), risk_flag: z.null() }) },
    handler: async (_ctx, { params }) => {
      if (!(await clearCustomerFlag(db, params.id))) throw ApiError.notFound('customer', params.id);
      return { customer_id: params.id, risk_flag: null };
    },
  });
}
