/**
 * The one writer of the `payments` table: the payment workflow's recorder (savePayment, claimPaymentAttempt), and
 * provider sync for what no workflow owns (imports, corrections of finished payments). The table holds the charge's
 * lifecycle; refunds and disputes write their own rows and history lines, and readers read `payment_records`, which
 * derives amount_refunded, refunded / partially_refunded / disputed and the dispute reference from them
 * (db/migrations/20261201000000_payment_records_view.ts). So no write here can overwrite what a refund or a dispute did.
 */
import type { Knex } from 'knex';
import type { Payment, PaymentEvent } from '../domain/payment';
import { chargeStatus } from '../domain/payment-status';
import type { Database } from '../platform/database';
import { bookPaymentCapture } from './ledger-store';
import { issueInvoiceOnSuccess } from './document-issuer';
import { recordPaymentEvents } from './merchant-events';
import { appendPaymentEvents } from './payment-history';

type Transaction = Knex.Transaction;

function toPaymentRow(payment: Payment, version: number) {
  // Derived in payment_records, never stored: what refunds and disputes made of the charge.
  const { object: _object, dispute: _dispute, amount_refunded: _refunded, ...columns } = payment;
  return {
    ...columns,
    status: chargeStatus(payment.status),
    next_action: payment.next_action ? JSON.stringify(payment.next_action) : null,
    failure_details: payment.failure_details ? JSON.stringify(payment.failure_details) : null,
    instructions: payment.instructions ? JSON.stringify(payment.instructions) : null,
    metadata: JSON.stringify(payment.metadata),
    // Payments recorded before retries existed lack these: their columns keep the defaults.
    previous_attempts: payment.previous_attempts ? JSON.stringify(payment.previous_attempts) : undefined,
    state_version: version,
  };
}

type Column = string | number | boolean | null;

function definedColumns(row: object): Record<string, Column> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as Record<string, Column>;
}

/**
 * What the stored payment implies in other tables, caught up idempotently from its row: the ledger entry of what was
 * captured, its merchant events, and its invoice once it has succeeded.
 */
async function bookPaymentRecords(trx: Transaction, paymentId: string, status: string): Promise<void> {
  await bookPaymentCapture(trx, paymentId);
  await recordPaymentEvents(trx, paymentId);
  if (status === 'succeeded') await issueInvoiceOnSuccess(trx, paymentId);
}

/**
 * Upserts the payment guarded by its version, so a retried older write never overwrites a newer one,
 * and appends history lines keyed by dedupe_key, so a retried write appends nothing twice. `bookLater`: the
 * bookkeeping is left to bookPayment, which the workflow runs once its caller has the answer (P3).
 */
export async function savePaymentAndEvents(
  db: Database,
  input: { payment: Payment; version: number; events: PaymentEvent[]; processedWebhookEventIds: number[]; bookLater?: boolean },
): Promise<void> {
  const row = { ...definedColumns(toPaymentRow(input.payment, input.version)), bookkeeping_due: input.bookLater === true };
  await db.transaction(async (trx) => {
    await trx.raw(
      `insert into payments (${Object.keys(row).join(', ')}) values (${Object.keys(row).map(() => '?').join(', ')})
       on conflict (id) do update set ${Object.keys(row)
         .filter((column) => column !== 'id' && column !== 'created_at')
         .map((column) => `${column} = excluded.${column}`)
         .join(', ')}
       where payments.state_version < excluded.state_version`,
      Object.values(row),
    );
    await appendPaymentEvents(trx, input.events);
    if (!input.bookLater) await bookPaymentRecords(trx, input.payment.id, input.payment.status);
    if (input.processedWebhookEventIds.length > 0) {
      await trx('webhook_events')
        .whereIn('id', input.processedWebhookEventIds)
        .whereNull('processed_at')
        .update({ processed_at: trx.fn.now() });
    }
  });
}

/**
 * The bookkeeping a `bookLater` save left, under the payment's row lock so it runs one at a time per payment; it clears
 * the save's `bookkeeping_due` mark in the same transaction.
 */
export async function bookPayment(db: Database, paymentId: string): Promise<void> {
  await db.transaction(async (trx) => {
    const stored = await trx('payments').where({ id: paymentId }).forUpdate().first('status', 'bookkeeping_due');
    if (!stored) return;
    await bookPaymentRecords(trx, paymentId, stored.status);
    if (stored.bookkeeping_due) await trx('payments').where({ id: paymentId }).update({ bookkeeping_due: false });
  });
}

/**
 * Starts a new attempt of a failed payment, once: only if the stored payment is still failed at the version the
 * workflow last knew. A stale retry (the payment moved on meanwhile) claims nothing and charges nothing.
 * A retried activity finds its own claim (same version, same attempt) and succeeds again.
 */
export async function claimPaymentAttempt(
  db: Database,
  input: { payment: Payment; expectedVersion: number; version: number; events: PaymentEvent[] },
): Promise<{ claimed: boolean; version: number }> {
  const attempt = input.payment.attempt_count ?? 1;
  return db.transaction(async (trx) => {
    const stored = await trx('payments').where({ id: input.payment.id }).forUpdate().first('status', 'state_version', 'attempt_count');
    if (!stored) return { claimed: false, version: input.expectedVersion };
    const storedVersion = Number(stored.state_version);
    // A retried activity finds its own claim: the attempt is there and under way.
    if (Number(stored.attempt_count) === attempt && stored.status !== 'failed') return { claimed: true, version: storedVersion };
    // The attempt, not the version, is what a stale or concurrent retry gets wrong: history lines the earlier run
    // saved after the request read the payment (late webhooks) don't make a retry of the same failed attempt stale.
    if (stored.status !== 'failed' || Number(stored.attempt_count) !== attempt - 1) return { claimed: false, version: storedVersion };
    const version = Math.max(input.version, storedVersion + 1);
    const { id: _id, created_at: _createdAt, ...changes } = definedColumns(toPaymentRow(input.payment, version));
    await trx('payments').where({ id: input.payment.id }).update(changes);
    await appendPaymentEvents(trx, input.events);
    return { claimed: true, version };
  });
}

/** A payment made outside the engine, first seen by provider sync: inserted once (its id derives from the provider's). */
export async function insertImportedPayment(
  trx: Transaction,
  row: Omit<Payment, 'object' | 'dispute' | 'amount_refunded' | 'client_secret' | 'next_action' | 'instructions' | 'previous_attempts' | 'payment_method' | 'saved_payment_method_id' | 'customer_id' | 'receipt_email' | 'created_at' | 'updated_at' | 'attempt_count' | 'next_retry_at'> & { created_at: Date },
): Promise<boolean> {
  const inserted = await trx('payments')
    .insert(definedColumns({
      ...row, status: chargeStatus(row.status), metadata: JSON.stringify(row.metadata),
      failure_details: row.failure_details ? JSON.stringify(row.failure_details) : null, state_version: 1, updated_at: new Date(),
    }) as Record<string, Column>)
    .onConflict()
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/**
 * Provider sync's correction of a payment whose workflow has finished: the provider's state, guarded by the version
 * read under lock, with the next version so a retried older write never lands over it.
 */
export async function correctFinishedPayment(
  trx: Transaction,
  input: { paymentId: string; readVersion: number; changes: Partial<Pick<Payment, 'status' | 'amount_captured' | 'next_action' | 'client_secret' | 'failure_code' | 'failure_message' | 'failure_details'>> },
): Promise<void> {
  const { changes } = input;
  const updated = await trx('payments')
    .where({ id: input.paymentId, state_version: input.readVersion })
    .update(definedColumns({
      ...changes,
      ...(changes.status ? { status: chargeStatus(changes.status) } : {}),
      next_action: changes.next_action === undefined ? undefined : changes.next_action ? JSON.stringify(changes.next_action) : null,
      failure_details: changes.failure_details === undefined ? undefined : changes.failure_details ? JSON.stringify(changes.failure_details) : null,
      updated_at: new Date(),
      state_version: input.readVersion + 1,
    }) as Record<string, Column>);
  if (updated === 0) throw new Error(`payment ${input.paymentId} changed while sync corrected it`);
}

/** Customer erasure: the receipt address the payments kept is forgotten (not a lifecycle change: no version). */
export async function forgetReceiptEmails(trx: Transaction, customerId: string): Promise<void> {
  await trx('payments').where({ customer_id: customerId }).update({ receipt_email: null });
}
