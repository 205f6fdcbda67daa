import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { EmailTemplateError, renderEmail, type EmailTemplateName } from '../domain/email-templates';
import type { Database } from '../platform/database';
import { documentAttachment, documentToAttach } from './document-attachments';

/** The one thing the activity needs from an SMTP client (nodemailer's transport fits). */
export interface Mailer {
  sendMail(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    html: string;
    messageId: string;
    headers?: Record<string, string>;
    attachments?: { filename: string; content: Buffer; contentType: string }[];
  }): Promise<unknown>;
}

export interface EmailRequest {
  /** One message per key, ever: e.g. `refund:<id>:completed:<recipient>`. */
  dedupeKey: string;
  to: string;
  template: EmailTemplateName;
  locale: string;
  data: Record<string, unknown>;
  /** A document to attach as PDF; receipts and refund receipts attach their payment's invoice or credit note anyway. */
  attachDocumentId?: string;
}

export interface EmailActivityDependencies {
  db: Database;
  mailer: Mailer;
  from: string;
}

/** Failure types workflows can recognize; both are final, since a retry would fail the same way. */
export const EMAIL_TEMPLATE_FAILURE = 'EmailTemplateError';
export const EMAIL_DEDUPE_CONFLICT_FAILURE = 'EmailDedupeKeyConflict';

interface OutboxRow {
  id: number;
  dedupe_key: string;
  to_address: string;
  template: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: 'pending' | 'sent';
  attachment_document_id: string | null;
}

/** Deterministic, so that even a send repeated after a lost commit carries the same Message-ID for receivers to dedupe. */
export function emailMessageId(dedupeKey: string): string {
  return `<${createHash('sha256').update(dedupeKey).digest('hex')}@durapay>`;
}

export function createEmailActivities({ db, mailer, from }: EmailActivityDependencies) {
  return {
    /**
     * Sends one transactional email exactly once per dedupeKey, however often Temporal retries or runs it.
     * The outbox row is written first; the send happens under an advisory lock on the key, so a concurrent
     * duplicate waits and then finds the row sent.
     */
    async sendEmail(request: EmailRequest): Promise<{ status: 'sent' | 'already_sent' }> {
      await insertIfNew(db, request);
      const outcome = await db.transaction(async (trx) => {
        await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [request.dedupeKey]);
        const row = await trx<OutboxRow>('email_outbox').where({ dedupe_key: request.dedupeKey }).first();
        if (!row) throw new Error(`email_outbox row ${request.dedupeKey} vanished`);
        refuseKeyReuse(row, request);
        if (row.status === 'sent') return { status: 'already_sent' as const };

        const messageId = emailMessageId(request.dedupeKey);
        try {
          // The stored body is sent, not a fresh render: every attempt sends the same message.
          await mailer.sendMail({
            from,
            to: row.to_address,
            subject: row.subject,
            text: row.text_body,
            html: row.html_body ?? '',
            messageId,
            headers: { 'X-Durapay-Template': row.template, 'X-Durapay-Dedupe-Key': row.dedupe_key },
            attachments: row.attachment_document_id ? [await documentAttachment(db, row.attachment_document_id)] : undefined,
          });
        } catch (error) {
          // Committed, not rolled back: the outbox keeps a record of every failed attempt.
          await trx('email_outbox')
            .where({ id: row.id })
            .update({ attempts: trx.raw('attempts + 1'), error: error instanceof Error ? error.message : String(error) });
          return { status: 'failed' as const, error };
        }
        await trx('email_outbox')
          .where({ id: row.id })
          .update({ status: 'sent', attempts: trx.raw('attempts + 1'), sent_at: trx.fn.now(), message_id: messageId, error: null });
        return { status: 'sent' as const };
      });
      if (outcome.status === 'failed') throw outcome.error; // Temporal retries; the row stays pending
      return outcome;
    },
  };
}

/** Renders and stores the message unless the key is already there (then the stored one is what gets sent). */
async function insertIfNew(db: Database, request: EmailRequest): Promise<void> {
  const existing = await db('email_outbox').where({ dedupe_key: request.dedupeKey }).first('id');
  if (existing) return; // a retry: no need to render again
  const document = await documentToAttach(db, request);
  let rendered;
  try {
    rendered = renderEmail(request.template, request.locale, document ? { ...request.data, document_kind: document.kind, document_number: document.number } : request.data);
  } catch (error) {
    if (error instanceof EmailTemplateError) {
      throw ApplicationFailure.create({ type: EMAIL_TEMPLATE_FAILURE, message: error.message, nonRetryable: true });
    }
    throw error;
  }
  await db('email_outbox')
    .insert({
      dedupe_key: request.dedupeKey,
      to_address: request.to,
      template: request.template,
      locale: request.locale,
      subject: rendered.subject,
      text_body: rendered.text,
      html_body: rendered.html,
      status: 'pending',
      attachment_document_id: document?.id ?? null,
    })
    .onConflict('dedupe_key')
    .ignore();
}

/** The same key for another recipient or template is a caller bug; sending either message would be wrong. */
function refuseKeyReuse(row: OutboxRow, request: EmailRequest): void {
  if (row.to_address === request.to && row.template === request.template) return;
  throw ApplicationFailure.create({
    type: EMAIL_DEDUPE_CONFLICT_FAILURE,
    message: `dedupe key ${request.dedupeKey} was first used for ${row.template} to ${row.to_address}, now for ${request.template} to ${request.to}`,
    nonRetryable: true,
  });
}
