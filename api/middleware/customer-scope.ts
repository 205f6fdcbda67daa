import type { Context, Middleware, Next } from 'koa';
import type { Database } from '../../platform/database';
import { ApiError } from '../errors';

/*
 * What an ephemeral customer key may do: read that customer's payments and manage its saved methods, nothing
 * else. Each route it may call names the check that ties the request to its customer; any other route is 403.
 */

type Check = (ctx: Context, db: Database, customerId: string) => Promise<boolean>;
type Input = { body?: Record<string, unknown>; query?: Record<string, unknown> };
const input = (ctx: Context): Input => (ctx.state.input ?? {}) as Input;

const ownsPayment: Check = async (ctx, db, customerId) =>
  (await db('payments').where({ id: ctx.params.id }).first('customer_id'))?.customer_id === customerId;
const ownsMethod: Check = async (ctx, db, customerId) =>
  (await db('payment_methods').where({ id: ctx.params.id }).first('customer_id'))?.customer_id === customerId;

const CUSTOMER_ROUTES: Record<string, Check> = {
  'get /v1/payments': async (ctx, _db, customerId) => {
    const query = input(ctx).query ?? {};
    if (query.customer_id !== undefined && query.customer_id !== customerId) return false;
    query.customer_id = customerId;
    return true;
  },
  'get /v1/payments/:id': ownsPayment,
  'get /v1/payments/:id/events': ownsPayment,
  'get /v1/customers/:id/payment-methods': async (ctx, _db, customerId) => ctx.params.id === customerId,
  'post /v1/payment-methods': async (ctx, _db, customerId) => input(ctx).body?.customer_id === customerId,
  'put /v1/payment-methods/:id/set-default': ownsMethod,
  'put /v1/payment-methods/:id/deactivate': ownsMethod,
  'delete /v1/payment-methods/:id': ownsMethod,
};

/** Whether an ephemeral customer key may call this route at all. */
export function customerMayCall(method: string, path: string): boolean {
  return `${method} ${path}` in CUSTOMER_ROUTES;
}

/** After validation: a customer key reaches only its own customer's objects; another's look like they don't exist. */
export function customerScope(db: Database, method: string, path: string): Middleware {
  const check = CUSTOMER_ROUTES[`${method} ${path}`];
  return async (ctx: Context, next: Next): Promise<void> => {
    const principal = ctx.state.principal;
    if (principal?.role === 'customer') {
      if (!check || !(await check(ctx, db, principal.customerId!))) {
        throw new ApiError(404, 'invalid_request_error', 'resource_missing', 'No such object for this ephemeral key\'s customer.');
      }
    }
    await next();
  };
}
