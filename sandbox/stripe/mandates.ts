import type { SandboxCore } from './core';
import { invalidRequest, parameterMissing, resourceMissing } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds, randomAlphanumeric } from './ids';
import { optionalInteger, optionalString, type Params } from './params';
import type { CustomerAcceptance, Mandate, SepaDebitPaymentMethod } from './types';

export function getMandate(core: SandboxCore, id: string, param = 'id'): Mandate {
  const mandate = core.store.mandates.get(id);
  if (!mandate) throw resourceMissing('mandate', id, param);
  return mandate;
}

function asObject(value: unknown, param: string): Params {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest('Invalid object', 'parameter_invalid_object', param);
  return value as Params;
}

/**
 * Reads `mandate_data[customer_acceptance]`: null when absent (or sent as ''), otherwise validated as Stripe
 * does: type offline or online, online needing the customer's IP address and user agent.
 */
export function customerAcceptanceFrom(params: Params): CustomerAcceptance | null {
  if (params.mandate_data === undefined || params.mandate_data === '') return null;
  const mandateData = asObject(params.mandate_data, 'mandate_data');
  if (mandateData.customer_acceptance === undefined) throw parameterMissing('mandate_data[customer_acceptance]');
  const acceptance = asObject(mandateData.customer_acceptance, 'mandate_data[customer_acceptance]');
  const prefix = 'mandate_data[customer_acceptance]';
  const type = optionalString(acceptance, 'type');
  if (type === undefined) throw parameterMissing(`${prefix}[type]`);
  if (type !== 'offline' && type !== 'online') throw invalidRequest(`Invalid ${prefix}[type]: must be one of offline, online`, undefined, `${prefix}[type]`);
  const acceptedAt = optionalInteger(acceptance, 'accepted_at', { min: 0 }) ?? nowSeconds();
  if (type === 'offline') return { type, accepted_at: acceptedAt, offline: {} };
  if (acceptance.online === undefined) throw parameterMissing(`${prefix}[online]`);
  const online = asObject(acceptance.online, `${prefix}[online]`);
  const ipAddress = optionalString(online, 'ip_address');
  const userAgent = optionalString(online, 'user_agent');
  if (!ipAddress) throw parameterMissing(`${prefix}[online][ip_address]`);
  if (!userAgent) throw parameterMissing(`${prefix}[online][user_agent]`);
  return { type, accepted_at: acceptedAt, online: { ip_address: ipAddress, user_agent: userAgent } };
}

/** The debit authorization a SEPA PaymentMethod is charged under; active at once in test mode. */
export function createMandate(
  core: SandboxCore,
  paymentMethod: SepaDebitPaymentMethod,
  acceptance: CustomerAcceptance,
  use: { type: 'multi_use' } | { type: 'single_use'; amount: number; currency: string },
): Mandate {
  const id = newId('mandate');
  const reference = randomAlphanumeric(16).toUpperCase();
  const mandate: Mandate = {
    id,
    object: 'mandate',
    customer_acceptance: acceptance,
    livemode: false,
    ...(use.type === 'multi_use' ? { multi_use: {} } : { single_use: { amount: use.amount, currency: use.currency } }),
    payment_method: paymentMethod.id,
    payment_method_details: { type: 'sepa_debit', sepa_debit: { reference, url: `${core.baseUrl()}/_sandbox/mandates/${id}` } },
    status: 'active',
    type: use.type,
  };
  core.store.mandates.set(id, mandate);
  core.store.changed();
  return mandate;
}

/** The active multi-use mandate a saved SEPA method can be debited under, if any. */
export function activeMandateOf(core: SandboxCore, paymentMethodId: string): Mandate | undefined {
  return [...core.store.mandates.values()].find((m) => m.payment_method === paymentMethodId && m.status === 'active' && m.type === 'multi_use');
}

/** Detaching a SEPA method ends its mandates, as Stripe does: a detached account can't be debited again. */
export function deactivateMandatesOf(core: SandboxCore, op: Operation, paymentMethodId: string): void {
  for (const mandate of core.store.mandates.values()) {
    if (mandate.payment_method !== paymentMethodId || mandate.status !== 'active') continue;
    mandate.status = 'inactive';
    op.emit('mandate.updated', mandate);
  }
  core.store.changed();
}
