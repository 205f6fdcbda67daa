import type { Connection } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../platform/database';
import { isDatabaseReachable } from '../../platform/database';
import { isTemporalReachable } from '../../platform/temporal';
import type { RouteTable } from '../route';

const Health = z.object({ ok: z.boolean(), database: z.boolean().optional(), temporal: z.boolean().optional() }).meta({ id: 'Health' });

export function addSystemRoutes(routes: RouteTable, db: Database, temporal: Connection): void {
  routes.add({
    method: 'get', path: '/healthz', tag: 'System', roles: 'public', summary: 'The process is up',
    response: { status: 200, description: 'Up', schema: Health },
    handler: async () => ({ ok: true }),
  });
  routes.add({
    method: 'get', path: '/readyz', tag: 'System', roles: 'public', summary: 'PostgreSQL and Temporal are reachable',
    response: { status: 200, description: 'Ready (503 when not)', schema: Health },
    handler: async (ctx) => {
      const [database, temporalOk] = await Promise.all([isDatabaseReachable(db), isTemporalReachable(temporal)]);
      ctx.status = database && temporalOk ? 200 : 503;
      ctx.body = { ok: database && temporalOk, database, temporal: temporalOk };
      return ctx.body;
    },
  });
}
