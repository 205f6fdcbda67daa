import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Database } from '../../platform/database';
import { actorOf } from '../middleware/auth';
import type { RouteTable } from '../route';
import { CustomerSchema, UpsertCustomerBody } from '../schemas/refund-schemas';

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

/** Contact details only, keyed by the merchant's own customer id; they address receipts and refund emails. */
export function addCustomerRoutes(routes: RouteTable, db: Database, temporal: { client: Client; taskQueue: string }): void {
  routes.add({
    method: 'post', path: '/v1/customers', tag: 'Customers', roles: ['merchant', 'admin'], idempotent: true,
    summary: "Create or update a customer's contact details (upsert on the merchant's id)",
    body: UpsertCustomerBody,
    response: { status: 200, description: 'The customer', schema: CustomerSchema },
    handler: async (ctx, { body }) => {
      const previous = await db('customers').where({ id: body.id }).first('email', 'locale');
      const details = {
        email: body.email, name: body.name ?? null, locale: body.locale, address: body.address ?? null, country: body.country ?? null, vat_id: body.vat_id ?? null,
      };
      const [row] = await db('customers')
        .insert({ id: body.id, ...details })
        .onConflict('id')
        .merge({ ...details, updated_at: db.fn.now() })
        .returning('*');
      if (previous && previous.email && previous.email !== row.email) {
        // Receipts and refund emails go to the new address from now on: the previous one is told, the admins alerted.
        const change = { customerId: row.id, previousEmail: previous.email, newEmail: row.email, locale: previous.locale ?? 'en', changedBy: actorOf(ctx) };
        const key = createHash('sha256').update(`${row.id}:${previous.email}:${row.email}`).digest('hex').slice(0, 24);
        await temporal.client.workflow.start('notifyContactChange', {
          workflowId: `contact-change-${key}`, taskQueue: temporal.taskQueue, args: [change], workflowIdReusePolicy: 'REJECT_DUPLICATE',
        }).catch((error: unknown) => {
          if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
        });
      }
      return {
        id: row.id, object: 'customer', email: row.email, name: row.name, locale: row.locale, address: row.address, country: row.country, vat_id: row.vat_id,
        created_at: iso(row.created_at), updated_at: iso(row.updated_at),
      };
    },
  });
}
