import type { Context } from 'koa';
import type { DocumentContent } from '../../domain/document';
import { renderDocumentPdf } from '../../platform/document-pdf';
import { findCreditNoteRow, findInvoiceRow, toDocumentJson } from '../document-reads';
import { ApiError } from '../errors';
import { findPayment } from '../payment-reads';
import { findRefundRow } from '../refund-reads';
import type { RefundEngine } from '../refund-commands';
import type { RouteTable } from '../route';
import { CreditNoteSchema, InvoiceSchema, PdfSchema } from '../schemas/document-schemas';

type Row = Record<string, unknown>;

async function invoiceOf(engine: RefundEngine, paymentId: string): Promise<Row> {
  if (!(await findPayment(engine.db, paymentId))) throw ApiError.notFound('payment', paymentId);
  const row = await findInvoiceRow(engine.db, paymentId);
  if (!row) throw new ApiError(404, 'invalid_request_error', 'invoice_not_issued', `Payment ${paymentId} has no invoice: one is issued when the payment succeeds.`, 'id');
  return row;
}

async function creditNoteOf(engine: RefundEngine, refundId: string): Promise<Row> {
  if (!(await findRefundRow(engine.db, refundId))) throw ApiError.notFound('refund', refundId);
  const row = await findCreditNoteRow(engine.db, refundId);
  if (!row) throw new ApiError(404, 'invalid_request_error', 'credit_note_not_issued', `Refund ${refundId} has no credit note: one is issued when an invoiced payment's refund succeeds.`, 'id');
  return row;
}

async function answerPdf(ctx: Context, row: Row): Promise<void> {
  const content = row.content as DocumentContent;
  ctx.status = 200;
  ctx.type = 'application/pdf';
  ctx.set('Content-Disposition', `inline; filename="${content.number}.pdf"`);
  // Issued documents never change: caches may keep the PDF as long as they like.
  ctx.set('Cache-Control', 'private, max-age=31536000, immutable');
  ctx.set('ETag', `"${row.checksum as string}"`);
  ctx.body = await renderDocumentPdf(content, row.checksum as string);
}

/** Invoices (or receipts) of payments and credit notes of refunds: JSON and PDF, both from the frozen document. */
export function addDocumentRoutes(routes: RouteTable, engine: RefundEngine): void {
  const invoicePdfUrl = (paymentId: string) => `${engine.publicUrl}/v1/payments/${paymentId}/invoice.pdf`;
  const creditNotePdfUrl = (refundId: string) => `${engine.publicUrl}/v1/refunds/${refundId}/credit-note.pdf`;

  routes.add({
    method: 'get', path: '/v1/payments/:id/invoice', tag: 'Documents', roles: ['merchant', 'admin'],
    summary: "The payment's invoice (or receipt), issued when it succeeded",
    response: { status: 200, description: 'The invoice', schema: InvoiceSchema },
    handler: async (_ctx, { params }) => toDocumentJson(await invoiceOf(engine, params.id), invoicePdfUrl(params.id)),
  });

  routes.add({
    method: 'get', path: '/v1/payments/:id/invoice.pdf', tag: 'Documents', roles: ['merchant', 'admin'],
    summary: "The payment's invoice as an A4 PDF, in the customer's language",
    response: { status: 200, description: 'The PDF', schema: PdfSchema, contentType: 'application/pdf' },
    handler: async (ctx, { params }) => answerPdf(ctx, await invoiceOf(engine, params.id)),
  });

  routes.add({
    method: 'get', path: '/v1/refunds/:id/credit-note', tag: 'Documents', roles: ['merchant', 'admin'],
    summary: "The refund's credit note, issued when the refund succeeded",
    response: { status: 200, description: 'The credit note', schema: CreditNoteSchema },
    handler: async (_ctx, { params }) => toDocumentJson(await creditNoteOf(engine, params.id), creditNotePdfUrl(params.id)),
  });

  routes.add({
    method: 'get', path: '/v1/refunds/:id/credit-note.pdf', tag: 'Documents', roles: ['merchant', 'admin'],
    summary: "The refund's credit note as an A4 PDF, in the customer's language",
    response: { status: 200, description: 'The PDF', schema: PdfSchema, contentType: 'application/pdf' },
    handler: async (ctx, { params }) => answerPdf(ctx, await creditNoteOf(engine, params.id)),
  });
}
