import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { EMPTY_SYNC_COUNTS } from '../../domain/provider-sync';
import type { Database } from '../../platform/database';
import type { ProviderRegistry } from '../../providers/registry';
import { SYNC_WORKFLOW_TYPE, type SyncProviderPaymentsInput } from '../../workflows/sync-definitions';
import { ApiError } from '../errors';
import type { RouteTable } from '../route';
import { ListSyncsQuery, StartSyncBody, SyncRunSchema, toSeconds } from '../schemas/sync-schemas';
import { startOnce } from '../workflow-runs';
import { findSyncRun, listSyncRuns, type SyncRunView } from '../sync-reads';

export interface SyncRouteDependencies {
  db: Database;
  client: Client;
  taskQueue: string;
  providers: ProviderRegistry;
}

/** Provider sync runs: start one by hand, follow it, list recent ones. Admin key only. */
export function addSyncRoutes(routes: RouteTable, { db, client, taskQueue, providers }: SyncRouteDependencies): void {
  routes.add({
    method: 'post', path: '/v1/admin/sync', tag: 'Provider sync', roles: ['admin'], idempotent: true,
    summary: 'Reconcile one provider now: import outside payments, repair missed webhooks',
    body: StartSyncBody,
    response: { status: 202, description: 'The sync workflow started', schema: z.object({ workflow_id: z.string() }) },
    handler: async (ctx, { body }) => {
      const provider = providers[body.provider];
      if (!provider || !provider.isConfigured()) {
        const configured = Object.values(providers).filter((p) => p.isConfigured()).map((p) => p.name);
        throw ApiError.invalid('parameter_invalid', `Unknown or unconfigured provider '${body.provider}'. Configured: ${configured.join(', ') || 'none'}.`, 'provider');
      }
      const from = toSeconds(body.from);
      const to = toSeconds(body.to);
      const workflowId = await ctx.state.idempotency!.resourceId('sync');
      const input: SyncProviderPaymentsInput = { provider: provider.name, trigger: 'manual', from, to };
      await startOnce(client, { workflowType: SYNC_WORKFLOW_TYPE, workflowId, taskQueue, args: [input], memo: { provider: provider.name, trigger: 'manual' } });
      return { workflow_id: workflowId };
    },
  });

  routes.add({
    method: 'get', path: '/v1/admin/syncs/:workflow_id', tag: 'Provider sync', roles: ['admin'],
    summary: 'One sync run: status and counts {seen, imported, repaired, unchanged, errors}',
    response: { status: 200, description: 'The run', schema: SyncRunSchema },
    handler: async (_ctx, { params }) => {
      const run = await findSyncRun(db, params.workflow_id);
      if (run) return run;
      // Started but not yet recorded by its first activity: Temporal knows it.
      try {
        const description = await client.workflow.getHandle(params.workflow_id).describe();
        if (description.type !== SYNC_WORKFLOW_TYPE) throw new WorkflowNotFoundError('not a sync', params.workflow_id, undefined);
        const view: SyncRunView = {
          object: 'sync_run', workflow_id: params.workflow_id, provider: String(description.memo?.provider ?? 'unknown'),
          trigger: description.memo?.trigger === 'schedule' ? 'schedule' : 'manual',
          status: description.status.name === 'RUNNING' ? 'running' : 'failed', window: null, counts: EMPTY_SYNC_COUNTS,
          error: null, started_at: description.startTime.toISOString(), finished_at: null,
        };
        return view;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw ApiError.notFound('sync run', params.workflow_id, 'workflow_id');
        throw error;
      }
    },
  });

  routes.add({
    method: 'get', path: '/v1/admin/syncs', tag: 'Provider sync', roles: ['admin'],
    summary: 'Recent sync runs, newest first',
    query: ListSyncsQuery,
    response: { status: 200, description: 'Newest first', schema: z.object({ object: z.literal('list'), data: z.array(SyncRunSchema), has_more: z.boolean() }) },
    handler: async (_ctx, { query }) => ({ object: 'list', ...(await listSyncRuns(db, query)) }),
  });
}
