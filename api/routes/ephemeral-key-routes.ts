import { z } from 'zod';
import type { Database } from '../../platform/database';
import { createEphemeralKey, revokeEphemeralKey } from '../ephemeral-keys';
import { ApiError } from '../errors';
import { actorOf } from '../middleware/auth';
import type { RouteTable } from '../route';
import { CustomerId } from '../schemas/common-schemas';

const CreateEphemeralKeyBody = z.strictObject({ customer_id: CustomerId }).meta({ id: 'CreateEphemeralKeyRequest' });
const EphemeralKeySchema = z
  .object({
    id: z.string(),
    object: z.literal('ephemeral_key'),
    customer_id: z.string(),
    secret: z.string().describe('Give this to the customer\'s app; it is shown once.'),
    created_at: z.string(),
    expires_at: z.string(),
  })
  .meta({ id: 'EphemeralKey' });
const RevokedSchema = z.object({ id: z.string(), object: z.literal('ephemeral_key'), revoked: z.literal(true) }).meta({ id: 'RevokedEphemeralKey' });

/** Short-lived keys for a client app: they read one customer's payments and manage its saved methods, nothing more. */
export function addEphemeralKeyRoutes(routes: RouteTable, db: Database, ttlSeconds: number): void {
  routes.add({
    method: 'post', path: '/v1/ephemeral-keys', tag: 'Ephemeral keys', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'A short-lived key for one customer\'s app (reads its payments, manages its saved methods)',
    body: CreateEphemeralKeyBody,
    response: { status: 201, description: 'The key, with its secret', schema: EphemeralKeySchema },
    handler: async (ctx, { body }) => {
      const customer = await db('customers').where({ id: body.customer_id }).first('id', 'anonymized_at');
      if (!customer) throw ApiError.notFound('customer', body.customer_id, 'customer_id');
      if (customer.anonymized_at) throw new ApiError(409, 'invalid_request_error', 'customer_erased', 'This customer was erased.', 'customer_id');
      const id = await ctx.state.idempotency!.resourceId('ephkey');
      return createEphemeralKey(db, { id, customerId: body.customer_id, createdBy: actorOf(ctx), ttlSeconds });
    },
  });
  routes.add({
    method: 'delete', path: '/v1/ephemeral-keys/:id', tag: 'Ephemeral keys', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Revoke an ephemeral key now',
    response: { status: 200, description: 'Revoked', schema: RevokedSchema },
    handler: async (_ctx, { params }) => {
      if (!(await revokeEphemeralKey(db, params.id))) throw ApiError.notFound('ephemeral key', params.id);
      return { id: params.id, object: 'ephemeral_key', revoked: true };
    },
  });
}
