import { z } from 'zod';
import type { Database } from '../../platform/database';
import { ApiError } from '../errors';
import { actorOf } from '../middleware/auth';
import type { RouteTable } from '../route';
import { AlertSchema, ListAlertsQuery } from '../schemas/sync-schemas';
import { toAlert } from '../sync-reads';

/** Operator alerts (sync repairs, webhook failures): list them, acknowledge them. Admin key only. */
export function addAlertRoutes(routes: RouteTable, db: Database): void {
  routes.add({
    method: 'get', path: '/v1/admin/alerts', tag: 'Alerts', roles: ['admin'],
    summary: 'Alerts, newest first; acknowledged=false lists those nobody has acknowledged',
    query: ListAlertsQuery,
    response: { status: 200, description: 'Newest first', schema: z.object({ object: z.literal('list'), data: z.array(AlertSchema), has_more: z.boolean() }) },
    handler: async (_ctx, { query }) => {
      const rows = await db('alerts')
        .modify((q) => {
          if (query.acknowledged === 'false') q.whereNull('acknowledged_at');
          if (query.acknowledged === 'true') q.whereNotNull('acknowledged_at');
        })
        .orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])
        .limit(query.limit + 1);
      return { object: 'list', data: rows.slice(0, query.limit).map(toAlert), has_more: rows.length > query.limit };
    },
  });

  routes.add({
    method: 'post', path: '/v1/admin/alerts/:id/ack', tag: 'Alerts', roles: ['admin'], idempotent: true,
    summary: 'Acknowledge an alert; acknowledging it again changes nothing',
    body: z.strictObject({}),
    response: { status: 200, description: 'The alert', schema: AlertSchema },
    handler: async (ctx, { params }) => {
      // A plain guarded update, no workflow: acknowledging is the operator's note on the alert, nothing runs from it.
      await db('alerts').where({ id: params.id }).whereNull('acknowledged_at').update({ acknowledged_at: db.fn.now(), acknowledged_by: actorOf(ctx) });
      const row = await db('alerts').where({ id: params.id }).first();
      if (!row) throw ApiError.notFound('alert', params.id);
      return toAlert(row);
    },
  });
}
