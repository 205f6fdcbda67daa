import type { Database } from '../../platform/database';
import { findDispute, listDisputes } from '../dispute-reads';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import { DisputeListSchema, DisputeSchema, ListDisputesQuery } from '../schemas/dispute-schemas';

/** Disputes are read here; they change only through provider events (their workflow writes them). */
export function addDisputeRoutes(routes: RouteTable, db: Database): void {
  routes.add({
    method: 'get', path: '/v1/disputes', tag: 'Disputes', roles: ['merchant', 'admin'],
    summary: 'List disputes, newest first; filter by payment_id or status',
    query: ListDisputesQuery,
    response: { status: 200, description: 'A page of disputes', schema: DisputeListSchema },
    handler: async (_ctx, { query }) => {
      const page = await listDisputes(db, query);
      if (!page) throw ApiError.notFound('dispute', query.starting_after ?? '', 'starting_after');
      return { object: 'list', ...page };
    },
  });

  routes.add({
    method: 'get', path: '/v1/disputes/:id', tag: 'Disputes', roles: ['merchant', 'admin'],
    summary: 'One dispute',
    response: { status: 200, description: 'The dispute', schema: DisputeSchema },
    handler: async (_ctx, { params }) => {
      const dispute = await findDispute(db, params.id);
      if (!dispute) throw ApiError.notFound('dispute', params.id);
      return dispute;
    },
  });
}
