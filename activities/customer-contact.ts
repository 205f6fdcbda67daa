import type { Knex } from 'knex';

export interface CustomerContact {
  email: string;
  locale: string;
  name: string | null;
}

/** The payer's address: the merchant's customer record first, then the payment's receipt_email. */
export async function findCustomerContact(db: Knex | Knex.Transaction, paymentId: string): Promise<CustomerContact | null> {
  const payment = await db('payments').where({ id: paymentId }).first('customer_id', 'receipt_email');
  if (!payment) return null;
  const customer = payment.customer_id ? await db('customers').where({ id: payment.customer_id }).first() : null;
  const email = customer?.email ?? payment.receipt_email;
  if (!email) return null;
  return { email, locale: customer?.locale ?? 'en', name: customer?.name ?? null };
}
