import type { Knex } from 'knex';
import { captureEntry, disputeEntries, type LedgerEntry, type LedgerPaymentFacts, refundEntry } from '../domain/ledger';

/**
 * Books money movements in the ledger, inside the recorder's own database transaction, so a movement and its record
 * commit together or not at all. Which accounts move is decided in domain/ledger.ts; this only reads and writes.
 * Every entry is keyed by its movement: calling these again (a retried activity) books nothing twice.
 */

type Trx = Knex.Transaction;
type Row = Record<string, unknown>;

function factsOf(payment: Row): LedgerPaymentFacts {
  return {
    payment_id: payment.id as string,
    customer_id: (payment.customer_id as string | null) ?? null,
    provider: payment.provider as string,
    method: (payment.payment_method_type as string | null) ?? 'card',
    currency: payment.currency as string,
  };
}

async function paymentRow(trx: Trx, paymentId: string): Promise<Row | undefined> {
  return trx('payments').where({ id: paymentId }).first('id', 'customer_id', 'provider', 'payment_method_type', 'currency', 'amount_captured');
}

/** Inserts the entry once; false when its key was booked already. */
export async function bookLedgerEntry(trx: Trx, entry: LedgerEntry, occurredAt?: Date): Promise<boolean> {
  const inserted = await trx('ledger_transactions')
    .insert({
      idempotency_key: entry.idempotency_key, kind: entry.kind, payment_id: entry.payment.payment_id,
      refund_id: entry.refund_id, dispute_id: entry.dispute_id, customer_id: entry.payment.customer_id,
      provider: entry.payment.provider, method: entry.payment.method, currency: entry.payment.currency,
      occurred_at: occurredAt ?? trx.fn.now(),
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('id');
  if (inserted.length === 0) return false;
  await trx('ledger_postings').insert(entry.postings.map((posting) => ({ transaction_id: inserted[0].id, ...posting })));
  return true;
}

/** Whatever the payment has captured beyond what the ledger holds for it: call after writing amount_captured. */
export async function bookPaymentCapture(trx: Trx, paymentId: string, occurredAt?: Date): Promise<void> {
  const payment = await paymentRow(trx, paymentId);
  if (!payment || Number(payment.amount_captured) <= 0) return;
  const [{ booked }] = await trx('ledger_postings')
    .join('ledger_transactions', 'ledger_transactions.id', 'ledger_postings.transaction_id')
    .where({ 'ledger_transactions.payment_id': paymentId, 'ledger_transactions.kind': 'capture', 'ledger_postings.direction': 'credit' })
    .sum({ booked: 'ledger_postings.amount' });
  const entry = captureEntry(factsOf(payment), Number(payment.amount_captured), Number(booked ?? 0));
  if (entry) await bookLedgerEntry(trx, entry, occurredAt);
}

/** A refund that just succeeded (call after writing its status): through the provider, or paid out by bank transfer. */
export async function bookSucceededRefund(trx: Trx, refundId: string): Promise<void> {
  const refund = await trx('refunds').where({ id: refundId }).first('id', 'payment_id', 'amount', 'status', 'alternative_method');
  if (!refund || refund.status !== 'succeeded') return;
  const payment = await paymentRow(trx, refund.payment_id);
  if (!payment) return;
  const paidOutByBankTransfer = (refund.alternative_method as { type?: string } | null)?.type === 'bank_transfer';
  const entry = refundEntry(factsOf(payment), { key: refund.id, refund_id: refund.id, amount: Number(refund.amount), paidOutByBankTransfer });
  if (entry) await bookLedgerEntry(trx, entry);
}

/** A refund made at the provider outside the engine, found by provider sync. */
export async function bookImportedRefund(trx: Trx, paymentId: string, refund: { provider: string; providerRefundId: string; amount: number }): Promise<void> {
  const payment = await paymentRow(trx, paymentId);
  if (!payment) return;
  const entry = refundEntry(factsOf(payment), { key: `${refund.provider}:${refund.providerRefundId}`, refund_id: null, amount: refund.amount, paidOutByBankTransfer: false });
  if (entry) await bookLedgerEntry(trx, entry);
}

/** The dispute's money as its status implies (opened, then lost or won back): call whenever it is applied to its payment. */
export async function bookDispute(trx: Trx, disputeId: string, paymentId: string): Promise<void> {
  const dispute = await trx('disputes').where({ id: disputeId }).first('id', 'status', 'amount');
  const payment = await paymentRow(trx, paymentId);
  if (!dispute || !payment) return;
  for (const entry of disputeEntries(factsOf(payment), { id: dispute.id, status: dispute.status, amount: Number(dispute.amount) })) {
    await bookLedgerEntry(trx, entry);
  }
}
