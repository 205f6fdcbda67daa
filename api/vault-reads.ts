import type { SavedMethodRef } from '../domain/payment-method-choice';
import type { Database } from '../platform/database';

type Row = Record<string, unknown>;
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value == null ? null : String(value));

/** What the API shows of a saved method: display details only, never a token's secret or an account number. */
export function toSavedMethod(row: Row) {
  return {
    id: row.id as string,
    object: 'payment_method' as const,
    customer_id: row.customer_id as string,
    provider: row.provider as string,
    type: row.type as 'card' | 'sepa_debit',
    brand: (row.brand as string | null) ?? null,
    last4: (row.last4 as string | null) ?? null,
    exp_month: (row.exp_month as number | null) ?? null,
    exp_year: (row.exp_year as number | null) ?? null,
    mandate_id: (row.mandate_id as string | null) ?? null,
    bank_code: (row.bank_code as string | null) ?? null,
    country: (row.country as string | null) ?? null,
    is_default: Boolean(row.is_default),
    active: Boolean(row.active),
    created_at: iso(row.created_at)!,
    detached_at: iso(row.detached_at),
  };
}

function toRef(row: Row | undefined): SavedMethodRef | null {
  if (!row) return null;
  return {
    id: row.id as string, customer_id: row.customer_id as string, provider: row.provider as string, type: row.type as 'card' | 'sepa_debit',
    provider_method_id: row.provider_method_id as string, provider_customer_id: (row.provider_customer_id as string | null) ?? null,
    mandate_id: (row.mandate_id as string | null) ?? null, active: Boolean(row.active) && row.detached_at == null,
  };
}

export async function findSavedMethodRow(db: Database, id: string): Promise<Row | undefined> {
  return db('payment_methods').where({ id }).first();
}

export async function findSavedMethod(db: Database, id: string): Promise<SavedMethodRef | null> {
  return toRef(await findSavedMethodRow(db, id));
}

export async function findDefaultMethod(db: Database, customerId: string): Promise<SavedMethodRef | null> {
  return toRef(await db('payment_methods').where({ customer_id: customerId, is_default: true, active: true }).whereNull('detached_at').first());
}

export async function listCustomerMethods(db: Database, customerId: string) {
  const rows = await db('payment_methods').where({ customer_id: customerId }).whereNull('detached_at').orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return rows.map(toSavedMethod);
}
