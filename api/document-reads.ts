import type { DocumentContent } from '../domain/document';
import type { Database } from '../platform/database';

type Row = Record<string, unknown>;

export async function findInvoiceRow(db: Database, paymentId: string): Promise<Row | undefined> {
  return db('documents').where({ payment_id: paymentId }).whereIn('kind', ['invoice', 'receipt']).first();
}

export async function findCreditNoteRow(db: Database, refundId: string): Promise<Row | undefined> {
  return db('documents').where({ refund_id: refundId }).first();
}

/** An issued document as the API shows it; everything but the ids and links comes from the frozen content. */
export function toDocumentJson(row: Row, pdfUrl: string) {
  const content = row.content as DocumentContent;
  const common = {
    id: row.id as string, number: content.number, issued_at: content.issued_at, locale: content.locale, currency: content.currency,
    subtotal: content.subtotal, tax: content.tax, total: content.total, prices: content.prices, tax_country: content.tax_country,
    reverse_charge: content.reverse_charge, lines: content.lines, seller: content.seller, buyer: content.buyer,
    payment_id: row.payment_id as string, checksum: row.checksum as string, pdf_url: pdfUrl,
  };
  if (content.kind === 'credit_note') {
    return { object: 'credit_note' as const, kind: 'credit_note' as const, ...common, refund_id: row.refund_id as string, invoice_number: content.corrects!.number };
  }
  return { object: 'invoice' as const, kind: content.kind, ...common };
}
