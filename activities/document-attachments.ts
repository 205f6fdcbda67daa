import type { DocumentContent } from '../domain/document';
import type { Database } from '../platform/database';
import { cachedDocumentPdf } from '../platform/document-pdf';
import type { EmailRequest } from './email-activities';

/** Receipts carry the payment's invoice, refund receipts the refund's credit note, resends the document asked for. */
export async function documentToAttach(db: Database, request: EmailRequest): Promise<{ id: string; kind: string; number: string } | undefined> {
  const columns = ['id', 'kind', 'number'];
  if (request.attachDocumentId) return db('documents').where({ id: request.attachDocumentId }).first(columns);
  if (request.template === 'payment_receipt' && typeof request.data.payment_id === 'string') {
    return db('documents').where({ payment_id: request.data.payment_id }).whereIn('kind', ['invoice', 'receipt']).first(columns);
  }
  if (request.template === 'refund_completed' && typeof request.data.refund_id === 'string') {
    return db('documents').where({ refund_id: request.data.refund_id }).first(columns);
  }
  return undefined;
}

/** The PDF, rendered from the frozen document: every retry of a send attaches the same document. */
export async function documentAttachment(db: Database, documentId: string): Promise<{ filename: string; content: Buffer; contentType: string }> {
  const row = await db('documents').where({ id: documentId }).first('content', 'checksum');
  const content = row.content as DocumentContent;
  return { filename: `${content.number}.pdf`, content: await cachedDocumentPdf(content, row.checksum as string), contentType: 'application/pdf' };
}
