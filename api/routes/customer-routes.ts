import type { Database } from '../../platform/database';
import type { RouteTable } from '../route';
import { CustomerSchema, UpsertCustomerBody } from '../schemas/refund-schemas';

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

/** Contact details only, keyed by the merchant's own customer id; they address receipts and refund emails. */
export function addCustomerRoutes(routes: RouteTable, db: Database): void {
  routes.add({
    method: 'post', path: '/v1/customers', tag: 'Customers', roles: ['merchant', 'admin'], idempotent: true,
    summary: "Create or update a customer's contact details (upsert on the merchant's id)",
    body: UpsertCustomerBody,
    response: { status: 200, description: 'The customer', schema: CustomerSchema },
    handler: async (_ctx, { body }) => {
      const details = {
        email: body.email, name: body.name ?? null, locale: body.locale, address: body.address ?? null, country: body.country ?? null, vat_id: body.vat_id ?? null,
      };
      const [row] = await db('customers')
        .insert({ id: body.id, ...details })
        .onConflict('id')
        .merge({ ...details, updated_at: db.fn.now() })
        .returning('*');
      return {
        id: row.id, object: 'customer', email: row.email, name: row.name, locale: row.locale, address: row.address, country: row.country, vat_id: row.vat_id,
        created_at: iso(row.created_at), updated_at: iso(row.updated_at),
      };
    },
  });
}
