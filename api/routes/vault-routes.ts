import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import type { SaveMethodRequest } from '../../activities/vault-activities';
import { isValidIban } from '../../domain/iban';
import { ApiError } from '../errors';
import type { PaymentEngine } from '../payment-commands';
import type { RouteTable } from '../route';
import { CustomerErasureSchema, SavedMethodListSchema, SavedMethodSchema, SavePaymentMethodBody } from '../schemas/vault-schemas';
import { findSavedMethodRow, listCustomerMethods, toSavedMethod } from '../vault-reads';
import { runWorkflowToEnd } from '../workflow-runs';

/** The payment-method vault: provider tokens and display details only, one default per customer. */
export function addVaultRoutes(routes: RouteTable, engine: PaymentEngine): void {
  const { db } = engine;
  const requireMethod = async (id: string) => {
    const row = await findSavedMethodRow(db, id);
    if (!row || row.detached_at) throw ApiError.notFound('payment method', id);
    return row;
  };

  routes.add({
    method: 'post', path: '/v1/payment-methods', tag: 'Payment methods', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Save a card token or a SEPA Direct Debit mandate for one-click payments',
    body: SavePaymentMethodBody,
    response: { status: 201, description: 'The saved method', schema: SavedMethodSchema },
    handler: async (ctx, { body }) => {
      const sepa = body.type === 'sepa_debit' ? body : null;
      if (sepa && !isValidIban(sepa.iban)) throw ApiError.invalid('invalid_iban', 'The IBAN is not valid: check its country code, length and check digits.', 'iban');
      const customer = await db('customers').where({ id: body.customer_id }).first('id', 'anonymized_at');
      if (!customer) throw ApiError.notFound('customer', body.customer_id, 'customer_id');
      if (customer.anonymized_at) throw new ApiError(409, 'invalid_request_error', 'customer_erased', 'This customer was erased: upsert them again before saving a method.', 'customer_id');
      if (!engine.providers[body.provider]?.isConfigured()) {
        throw ApiError.invalid('provider_not_configured', `The ${body.provider} provider is not configured on this engine.`, 'provider');
      }
      const methodId = await ctx.state.idempotency!.resourceId('dpm');
      const request: SaveMethodRequest = {
        methodId, customerId: body.customer_id, provider: body.provider, kind: body.type ?? 'card', token: 'token' in body ? body.token : null,
        iban: sepa?.iban ?? null, accountHolderName: sepa?.account_holder_name ?? null, acceptedAt: new Date().toISOString(),
      };
      await runWorkflowToEnd(engine.client, {
        workflowType: 'savePaymentMethod', workflowId: methodId, taskQueue: engine.taskQueue, args: [request], timeoutMs: engine.responseTimeoutMs, inProgress: { code: 'payment_method_in_progress' },
      });
      return toSavedMethod((await findSavedMethodRow(db, methodId))!);
    },
  });

  routes.add({
    method: 'get', path: '/v1/customers/:id/payment-methods', tag: 'Payment methods', roles: ['merchant', 'admin'],
    summary: "A customer's saved methods",
    response: { status: 200, description: 'Newest first', schema: SavedMethodListSchema },
    handler: async (_ctx, { params }) => ({ object: 'list', data: await listCustomerMethods(db, params.id), has_more: false }),
  });

  routes.add({
    method: 'put', path: '/v1/payment-methods/:id/set-default', tag: 'Payment methods', roles: ['merchant', 'admin'], idempotent: true,
    summary: "Make this the customer's default method (exactly one, even under concurrent calls)",
    body: z.strictObject({}),
    response: { status: 200, description: 'The new default', schema: SavedMethodSchema },
    handler: async (_ctx, { params }) => {
      const row = await requireMethod(params.id);
      if (!row.active) throw new ApiError(409, 'invalid_request_error', 'payment_method_inactive', 'A deactivated method cannot be the default.');
      await db.transaction(async (trx) => {
        // The customer row lock serializes concurrent calls; the partial unique index backs it up.
        await trx.raw('select id from customers where id = ? for update', [row.customer_id as string]);
        await trx('payment_methods').where({ customer_id: row.customer_id as string, is_default: true }).whereNot({ id: params.id }).update({ is_default: false });
        await trx('payment_methods').where({ id: params.id }).update({ is_default: true });
      });
      return toSavedMethod((await findSavedMethodRow(db, params.id))!);
    },
  });

  routes.add({
    method: 'put', path: '/v1/payment-methods/:id/deactivate', tag: 'Payment methods', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Stop using a method for new payments (it stays attached)',
    body: z.strictObject({}),
    response: { status: 200, description: 'The deactivated method', schema: SavedMethodSchema },
    handler: async (_ctx, { params }) => {
      await requireMethod(params.id);
      await db('payment_methods').where({ id: params.id }).update({ active: false, is_default: false });
      return toSavedMethod((await findSavedMethodRow(db, params.id))!);
    },
  });

  routes.add({
    method: 'delete', path: '/v1/payment-methods/:id', tag: 'Payment methods', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Detach a method at its provider and remove it',
    response: { status: 200, description: 'The detached method', schema: SavedMethodSchema },
    handler: async (_ctx, { params }) => {
      const row = await requireMethod(params.id);
      await runWorkflowToEnd(engine.client, {
        workflowType: 'detachPaymentMethod', workflowId: `detach-${params.id}`, taskQueue: engine.taskQueue,
        args: [{ methodId: params.id, provider: row.provider, providerMethodId: row.provider_method_id }],
        timeoutMs: engine.responseTimeoutMs, inProgress: { code: 'payment_method_in_progress' },
      });
      return toSavedMethod((await findSavedMethodRow(db, params.id))!);
    },
  });

  routes.add({
    method: 'delete', path: '/v1/customers/:id', tag: 'Customers', roles: ['merchant', 'admin'], idempotent: true,
    summary: 'Erase a customer: detach their methods, anonymize personal data, keep the financial records',
    response: { status: 202, description: 'The erasure, running as a workflow', schema: CustomerErasureSchema },
    handler: async (_ctx, { params }) => {
      if (!(await db('customers').where({ id: params.id }).first('id'))) throw ApiError.notFound('customer', params.id);
      const workflowId = `erase-customer-${params.id}`;
      try {
        await engine.client.workflow.start('eraseCustomer', {
          workflowId, taskQueue: engine.taskQueue, args: [{ customerId: params.id }], workflowIdConflictPolicy: 'USE_EXISTING',
        });
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      const description = await engine.client.workflow.getHandle(workflowId).describe();
      return { object: 'customer_erasure', customer_id: params.id, workflow_id: workflowId, status: description.status.name === 'COMPLETED' ? 'completed' : 'in_progress' };
    },
  });
}
