import type { SandboxCore } from './core';
import { invalidRequest } from './errors';
import type { ListResponse } from './list';
import { expandList, type Params } from './params';

/** Which id prefix lives in which store map, for `expand[]`. */
function lookup(core: SandboxCore, id: string): unknown {
  const { store } = core;
  if (id.startsWith('pi_')) return store.paymentIntents.get(id);
  if (id.startsWith('ch_')) return store.charges.get(id);
  if (id.startsWith('re_')) return store.refunds.get(id);
  if (id.startsWith('pm_')) return store.paymentMethods.get(id);
  if (id.startsWith('cus_')) return store.customers.get(id);
  if (id.startsWith('seti_')) return store.setupIntents.get(id);
  if (id.startsWith('mandate_')) return store.mandates.get(id);
  if (id.startsWith('dp_')) return store.disputes.get(id);
  return undefined;
}

function expandOne(core: SandboxCore, object: Record<string, unknown>, field: string): void {
  const value = object[field];
  if (value === null) return;
  const found = typeof value === 'string' ? lookup(core, value) : undefined;
  if (found === undefined) throw invalidRequest(`This property cannot be expanded (${field}).`, undefined, 'expand');
  object[field] = structuredClone(found);
}

/** A detached copy of `object` (later changes must not leak into a sent answer), with expansions. */
export function render<T extends object>(core: SandboxCore, object: T, params: Params): T {
  const copy = structuredClone(object) as T & Record<string, unknown>;
  for (const field of expandList(params)) expandOne(core, copy, field);
  return copy;
}

/** Lists take `expand[]=data.field`. */
export function renderList<T extends object>(core: SandboxCore, list: ListResponse<T>, params: Params): ListResponse<T> {
  const fields = expandList(params).map((field) => {
    if (!field.startsWith('data.')) throw invalidRequest(`This property cannot be expanded (${field}).`, undefined, 'expand');
    return field.slice(5);
  });
  return {
    ...list,
    data: list.data.map((item) => {
      const copy = structuredClone(item) as T & Record<string, unknown>;
      for (const field of fields) expandOne(core, copy, field);
      return copy;
    }),
  };
}
