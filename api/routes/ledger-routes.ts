import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../platform/database';
import type { ProviderRegistry } from '../../providers/registry';
import { RECONCILE_WORKFLOW_TYPE, type ReconcileLedgerInput, type ReconcileLedgerResult } from '../../workflows/reconcile-definitions';
import { ApiError } from '../errors';
import { listLedgerBalances } from '../report-reads';
import type { RouteTable } from '../route';
import { toSeconds } from '../schemas/sync-schemas';
import { startOnce } from '../workflow-runs';
import { LedgerBalancesSchema, LedgerReconciliationSchema, StartReconciliationBody } from '../schemas/report-schemas';

/** The ledger for operators: reconcile it now, follow a run, read every account's balance. Admin key only. */
export function addLedgerRoutes(routes: RouteTable, { db, client, taskQueue, providers }: { db: Database; client: Client; taskQueue: string; providers: ProviderRegistry }): void {
  routes.add({
    method: 'post', path: '/v1/admin/ledger/reconcile', tag: 'Ledger', roles: ['admin'], idempotent: true,
    summary: 'Compare the ledger with the payment records and the providers now; differences raise an alert',
    body: StartReconciliationBody,
    response: { status: 202, description: 'The reconcileLedger workflow started', schema: z.object({ workflow_id: z.string() }) },
    handler: async (ctx, { body }) => {
      const from = toSeconds(body.from);
      const to = toSeconds(body.to);
      const workflowId = await ctx.state.idempotency!.resourceId('reconcile');
      const input: ReconcileLedgerInput = {
        trigger: 'manual', providers: Object.values(providers).filter((provider) => provider.isConfigured()).map((provider) => provider.name), from, to,
      };
      await startOnce(client, { workflowType: RECONCILE_WORKFLOW_TYPE, workflowId, taskQueue, args: [input] });
      return { workflow_id: workflowId };
    },
  });

  routes.add({
    method: 'get', path: '/v1/admin/ledger/reconciliations/:workflow_id', tag: 'Ledger', roles: ['admin'],
    summary: 'One reconciliation run: status, and once completed the differences and totals',
    response: { status: 200, description: 'The run', schema: LedgerReconciliationSchema },
    handler: async (_ctx, { params }) => {
      try {
        const handle = client.workflow.getHandle(params.workflow_id);
        const description = await handle.describe();
        if (description.type !== RECONCILE_WORKFLOW_TYPE) throw new WorkflowNotFoundError('not a reconciliation', params.workflow_id, undefined);
        const status = description.status.name === 'RUNNING' ? 'running' : description.status.name === 'COMPLETED' ? 'completed' : 'failed';
        const result = status === 'completed' ? ((await handle.result()) as ReconcileLedgerResult) : null;
        return { object: 'ledger_reconciliation', workflow_id: params.workflow_id, status, result };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw ApiError.notFound('ledger reconciliation', params.workflow_id, 'workflow_id');
        throw error;
      }
    },
  });

  routes.add({
    method: 'get', path: '/v1/admin/ledger/balances', tag: 'Ledger', roles: ['admin'],
    summary: "Every ledger account's balance per currency",
    response: { status: 200, description: 'Balances, by account and currency', schema: LedgerBalancesSchema },
    handler: async () => ({ object: 'list', data: await listLedgerBalances(db) }),
  });
}
