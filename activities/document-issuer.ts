import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { customAlphabet } from 'nanoid';
import { buildCreditNote, buildInvoice, canonicalJson, type DocumentContent, documentNumber, type DocumentKind } from '../domain/document';
import { loadInvoiceSettings, type InvoiceSettings } from '../platform/invoice-settings';

/**
 * Issues invoices and credit notes inside the transaction that records the payment's success or the refund's, so a
 * number is taken exactly when the money moved: a rolled-back transaction gives its number back (no gap), a retried
 * one finds the document already there (no second number), and concurrent ones queue on the counter row.
 */

const randomPart = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 24);
const ID_PREFIX: Record<DocumentKind, string> = { invoice: 'inv', receipt: 'rct', credit_note: 'cn' };

export function documentChecksum(content: DocumentContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The next number of a series and year; its row stays locked until the caller's transaction ends. */
async function takeNumber(trx: Knex.Transaction, series: string, year: number): Promise<number> {
  const result = await trx.raw(
    `insert into document_counters (series, year, last_number) values (?, ?, 1)
     on conflict (series, year) do update set last_number = document_counters.last_number + 1
     returning last_number`,
    [series, year],
  );
  return Number(result.rows[0].last_number);
}

async function insertDocument(
  trx: Knex.Transaction,
  input: { kind: DocumentKind; series: string; issuedAt: Date; paymentId: string; refundId?: string; correctsId?: string },
  build: (number: string) => DocumentContent,
): Promise<void> {
  const year = input.issuedAt.getUTCFullYear();
  const sequence = await takeNumber(trx, input.series, year);
  const content = build(documentNumber(input.series, year, sequence));
  await trx('documents').insert({
    id: `${ID_PREFIX[input.kind]}_${randomPart()}`,
    kind: input.kind, series: input.series, year, sequence, number: content.number,
    payment_id: input.paymentId, refund_id: input.refundId ?? null, corrects_document_id: input.correctsId ?? null,
    issued_at: input.issuedAt, locale: content.locale, currency: content.currency,
    subtotal: content.subtotal, tax: content.tax, total: content.total,
    content: JSON.stringify(content), checksum: documentChecksum(content),
  });
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));
const addressLines = (address: string | null | undefined) => (address ?? '').split('\n').map((line) => line.trim()).filter(Boolean);

/** Called where a payment's succeeded status is written: issues its invoice (or receipt) once. */
export async function issueInvoiceOnSuccess(trx: Knex.Transaction, paymentId: string, settings: InvoiceSettings = loadInvoiceSettings()): Promise<void> {
  const payment = await trx('payments').where({ id: paymentId }).forUpdate().first();
  if (payment?.status !== 'succeeded') return;
  const existing = await trx('documents').where({ payment_id: paymentId }).whereIn('kind', ['invoice', 'receipt']).first('id');
  if (existing) return;
  const customer = payment.customer_id ? await trx('customers').where({ id: payment.customer_id }).first() : null;
  const issuedAt = new Date();
  await insertDocument(trx, { kind: settings.kind, series: settings.series, issuedAt, paymentId }, (number) =>
    buildInvoice({
      kind: settings.kind, number, issued_at: issuedAt.toISOString(),
      seller: settings.seller,
      buyer: {
        name: customer?.name ?? null, email: customer?.email ?? payment.receipt_email ?? null,
        address: addressLines(customer?.address), country: customer?.country ?? null, vat_id: customer?.vat_id ?? null,
      },
      locale: customer?.locale ?? 'en',
      vat_rates: settings.vatRates,
      prices: settings.prices,
      payment: {
        id: payment.id, amount_captured: Number(payment.amount_captured), currency: payment.currency, description: payment.description,
        method_type: payment.payment_method_type, paid_at: iso(payment.updated_at),
      },
    }),
  );
}

/** Called where a refund's success is booked: a credit note against the payment's invoice, once per refund. */
export async function issueCreditNoteOnRefund(trx: Knex.Transaction, refundId: string, settings: InvoiceSettings = loadInvoiceSettings()): Promise<void> {
  const refund = await trx('refunds').where({ id: refundId }).first('id', 'payment_id', 'amount', 'status');
  if (refund?.status !== 'succeeded') return;
  const invoice = await trx('documents').where({ payment_id: refund.payment_id }).whereIn('kind', ['invoice', 'receipt']).first();
  // Payments that succeeded before invoicing existed have nothing to credit.
  if (!invoice || (await trx('documents').where({ refund_id: refundId }).first('id'))) return;
  const [credited] = await trx('documents').where({ payment_id: refund.payment_id, kind: 'credit_note' }).sum({ total: 'total', tax: 'tax' });
  const issuedAt = new Date();
  await insertDocument(trx, { kind: 'credit_note', series: settings.creditNoteSeries, issuedAt, paymentId: refund.payment_id, refundId, correctsId: invoice.id }, (number) =>
    buildCreditNote({
      number, issued_at: issuedAt.toISOString(), invoice: invoice.content as DocumentContent,
      already_credited: { total: Number(credited.total ?? 0), tax: Number(credited.tax ?? 0) },
      refund: { id: refund.id, amount: Number(refund.amount) },
    }),
  );
}
