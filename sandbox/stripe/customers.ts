import type { SandboxCore } from './core';
import { invalidRequest, resourceMissing } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds } from './ids';
import { mergeMetadata, optionalString, rejectUnknownParams, type Params } from './params';
import type { Customer } from './types';

/** Params Stripe accepts on customers that the sandbox stores nothing for. */
const TOLERATED = ['address', 'preferred_locales', 'shipping', 'tax_exempt'];

export function getCustomer(core: SandboxCore, id: string, param = 'id'): Customer {
  const customer = core.store.customers.get(id);
  if (!customer) throw resourceMissing('customer', id, param);
  return customer;
}

export function createCustomer(core: SandboxCore, op: Operation, params: Params): Customer {
  rejectUnknownParams(params, ['email', 'name', 'description', 'phone', 'metadata', ...TOLERATED]);
  const email = optionalString(params, 'email') || null;
  if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) throw invalidRequest(`Invalid email address: ${email}`, 'email_invalid', 'email');
  const customer: Customer = {
    id: newId('cus'),
    object: 'customer',
    created: nowSeconds(),
    description: optionalString(params, 'description') || null,
    email,
    name: optionalString(params, 'name') || null,
    phone: optionalString(params, 'phone') || null,
    metadata: mergeMetadata({}, params),
    invoice_settings: { default_payment_method: null },
    livemode: false,
  };
  core.store.customers.set(customer.id, customer);
  op.emit('customer.created', customer);
  core.store.changed();
  return customer;
}

/**
 * Like Stripe: the customer is gone (a retrieve answers `deleted: true`), its payment methods are detached, and
 * deleting it again is a 404 resource_missing.
 */
export function deleteCustomer(core: SandboxCore, op: Operation, id: string): { id: string; object: 'customer'; deleted: true } {
  const customer = getCustomer(core, id);
  for (const paymentMethod of core.store.paymentMethods.values()) {
    if (paymentMethod.customer !== customer.id) continue;
    paymentMethod.customer = null;
    op.emit('payment_method.detached', paymentMethod);
  }
  core.store.customers.delete(customer.id);
  core.store.deletedCustomers.add(customer.id);
  op.emit('customer.deleted', customer);
  core.store.changed();
  return { id: customer.id, object: 'customer', deleted: true };
}
