import type { Context } from 'koa';
import type { ZodType } from 'zod';
import type { DocumentContent } from '../../domain/document';
import { cachedDocumentPdf } from '../../platform/document-pdf';
import { findCreditNoteRow, findInvoiceRow, toDocumentJson } from '../document-reads';
import { withDeadline } from '../deadline';
import { ApiError } from '../errors';
import { findPayment } from '../payment-reads';
import { findRefundRow } from '../refund-reads';
import type { RefundEngine } from '../refund-commands';
import type { RouteTable } from '../route';
import { CreditNoteSchema, InvoiceDeliverySchema, InvoiceSchema, PdfSchema } from '../schemas/document-schemas';
import type { sendDocumentEmail } from '../../workflows/send-document-email';
import { searchAttributesFor } from '../../workflows/search-attributes';

type Row = Record<string, unknown>;

const INVOICE_ERRORS = { 401: 'No API key, or an unknown one', 404: 'No such payment (resource_missing), or it has no invoice yet (invoice_not_issued)' };
const CREDIT_NOTE_ERRORS = { 401: INVOICE_ERRORS[401], 404: 'No such refund (resource_missing), or it has no credit note (credit_note_not_issued)' };
const NOT_MODIFIED = { 304: 'Not modified: If-None-Match names this document’s checksum (its ETag)' };

/** How long a read waits for an invoice whose payment's bookkeeping is under way (it follows the API's answer). */
const INVOICE_ISSUING_WAIT_MS = 2000;

/**
 * The invoice, or, while the payment's bookkeeping (which issues it) follows the payment's answer, the invoice once
 * issued: a read right after the 201 finds it as it always did, a moment later.
 */
async function issuedInvoiceRow(engine: RefundEngine, paymentId: string): Promise<Row | undefined> {
  const deadline = Date.now() + INVOICE_ISSUING_WAIT_MS;
  for (;;) {
    const row = await findInvoiceRow(engine.db, paymentId);
    if (row || Date.now() >= deadline) return row;
    const payment = await engine.db('payments').where({ id: paymentId }).first('bookkeeping_due');
    if (!payment?.bookkeeping_due) return findInvoiceRow(engine.db, paymentId);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function invoiceOf(engine: RefundEngine, paymentId: string): Promise<Row> {
  if (!(await findPayment(engine.db, paymentId))) throw ApiError.notFound('payment', paymentId);
  const row = await issuedInvoiceRow(engine, paymentId);
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
  if (ctx.fresh) {
    ctx.status = 304; // the caller's copy is this document: nothing to render
    ctx.body = null;
    return;
  }
  ctx.body = await cachedDocumentPdf(content, row.checksum as string);
}

/** One document's two routes, JSON and PDF (same path + `.pdf`), both rendered from the frozen document. */
function addDocumentPair(
  routes: RouteTable,
  spec: { path: string; noun: string; issued: string; errors: Record<number, string>; schema: ZodType; find: (id: string) => Promise<Row>; pdfUrl: (id: string) => string },
): void {
  routes.add({
    method: 'get', path: spec.path, tag: 'Documents', roles: ['merchant', 'admin'],
    summary: `${spec.noun}, ${spec.issued}`,
    errors: spec.errors,
    response: { status: 200, description: spec.noun, schema: spec.schema },
    handler: async (_ctx, { params }) => toDocumentJson(await spec.find(params.id), spec.pdfUrl(params.id)),
  });
  routes.add({
    method: 'get', path: `${spec.path}.pdf`, tag: 'Documents', roles: ['merchant', 'admin'],
    summary: `${spec.noun} as an A4 PDF, in the customer's language`,
    errors: spec.errors,
    response: { status: 200, description: 'The PDF', schema: PdfSchema, contentType: 'application/pdf' },
    bodilessResponses: NOT_MODIFIED,
    handler: async (ctx, { params }) => answerPdf(ctx, await spec.find(params.id)),
  });
}

/** Invoices (or receipts) of payments and credit notes of refunds: JSON and PDF, both from the frozen document. */
export function addDocumentRoutes(routes: RouteTable, engine: RefundEngine): void {
  addDocumentPair(routes, {
    path: '/v1/payments/:id/invoice', noun: "The payment's invoice (or receipt)", issued: 'issued when it succeeded', errors: INVOICE_ERRORS,
    schema: InvoiceSchema, find: (id) => invoiceOf(engine, id), pdfUrl: (id) => `${engine.publicUrl}/v1/payments/${id}/invoice.pdf`,
  });
  addDocumentPair(routes, {
    path: '/v1/refunds/:id/credit-note', noun: "The refund's credit note", issued: 'issued when the refund succeeded', errors: CREDIT_NOTE_ERRORS,
    schema: CreditNoteSchema, find: (id) => creditNoteOf(engine, id), pdfUrl: (id) => `${engine.publicUrl}/v1/refunds/${id}/credit-note.pdf`,
  });

  routes.add({
    method: 'post', path: '/v1/payments/:id/invoice/send', tag: 'Documents', roles: ['merchant', 'admin'], idempotent: true,
    summary: "Email the invoice again to the customer, with its PDF; each request (Idempotency-Key) sends one message",
    response: { status: 200, description: 'The copy was sent', schema: InvoiceDeliverySchema },
    errors: {
      ...INVOICE_ERRORS, 400: 'The Idempotency-Key is missing or malformed',
      409: 'The customer has no email address (customer_has_no_email), or a request with this Idempotency-Key is in progress',
      422: 'The Idempotency-Key was used with another request',
    },
    handler: async (ctx, { params }) => {
      const row = await invoiceOf(engine, params.id);
      const content = row.content as DocumentContent;
      const to = await recipientOf(engine, params.id);
      if (!to) throw new ApiError(409, 'invalid_request_error', 'customer_has_no_email', "This payment's customer has no email address to send to.", 'id');
      const sendId = await ctx.state.idempotency!.resourceId('snd');
      const sending = engine.client.workflow.execute<typeof sendDocumentEmail>('sendDocumentEmail', {
        workflowId: `document-email-${sendId}`,
        taskQueue: engine.taskQueue,
        typedSearchAttributes: searchAttributesFor({ paymentId: params.id }),
        args: [{
          dedupeKey: `${row.id as string}:copy:${sendId}`, to, template: 'document_copy', locale: content.locale, attachDocumentId: row.id as string,
          data: { payment_id: params.id, amount: content.total, currency: content.currency, customer_name: content.buyer.name },
        }],
      });
      // An SMTP server that is down keeps the send retrying: the request answers 503 and a retry finds the same send.
      const outcome = await withDeadline(sending, engine.responseTimeoutMs, { code: 'invoice_delivery_in_progress' });
      return { object: 'invoice_delivery' as const, id: sendId, invoice_number: content.number, to, status: outcome.status === 'failed' ? 'failed' as const : 'sent' as const };
    },
  });
}

/** The customer's address today (it may have changed since the invoice), else the payment's receipt_email. */
async function recipientOf(engine: RefundEngine, paymentId: string): Promise<string | null> {
  const payment = await engine.db('payments').where({ id: paymentId }).first('customer_id', 'receipt_email');
  const customer = payment?.customer_id ? await engine.db('customers').where({ id: payment.customer_id }).first('email') : null;
  return customer?.email ?? payment?.receipt_email ?? null;
}
