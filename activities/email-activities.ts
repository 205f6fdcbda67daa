import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { EmailTemplateError, renderEmail, type EmailTemplateName } from '../domain/email-templates';
import type { Database } from '../platform/database';
import { scrub } from '../platform/redact';
import { recordAlert } from './alert-activities';
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
  status: 'pending' | 'sent' | 'failed';
  error: string | null;
  attachment_document_id: string | null;
}

/** How long a claimed send may take before another attempt may send instead: above the activity's 90 s timeout. */
const CLAIM_SECONDS = 120;
/** How often an attempt that found the message claimed looks whether its sender has finished. */
const CLAIM_POLL_MS = 200;

export type EmailOutcome = { status: 'sent' | 'already_sent' } | { status: 'failed'; error: string };

/** Deterministic, so that even a send repeated after a lost commit carries the same Message-ID for receivers to dedupe. */
export function emailMessageId(dedupeKey: string): string {
  return `<${createHash('sha256').update(dedupeKey).digest('hex')}@durapay>`;
}

/**
 * SMTP's permanent refusals of this message (RFC 5321 5yz, except 503 "bad sequence"), and nodemailer refusing the
 * envelope itself: a retry would get the same answer. Connection, TLS and authentication failures stay retryable
 * (a fixed server or password lets them through).
 */
export function isPermanentSmtpRefusal(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: string; responseCode?: number };
  if (code !== 'EENVELOPE' && code !== 'EMESSAGE') return false;
  return responseCode === undefined || (responseCode >= 500 && responseCode < 600 && responseCode !== 503);
}

export function createEmailActivities({ db, mailer, from }: EmailActivityDependencies) {
  /** Takes the right to send (committed at once, so nothing is held while SMTP talks); null if another attempt holds it. */
  async function claim(id: number): Promise<OutboxRow | null> {
    const [row] = await db('email_outbox')
      .where({ id, status: 'pending' })
      .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', db.fn.now()))
      .update({ claimed_until: db.raw(`now() + interval '${CLAIM_SECONDS} seconds'`), attempts: db.raw('attempts + 1') })
      .returning('*');
    return row ?? null;
  }

  async function send(row: OutboxRow): Promise<EmailOutcome> {
    const messageId = emailMessageId(row.dedupe_key);
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
      const message = error instanceof Error ? error.message : String(error);
      if (!isPermanentSmtpRefusal(error)) {
        await db('email_outbox').where({ id: row.id }).update({ claimed_until: null, error: message });
        throw error; // Temporal retries; the row stays pending
      }
      // Refused for good: recorded and raised, never retried, and the payment or refund that sent it goes on.
      await db('email_outbox').where({ id: row.id }).update({ status: 'failed', claimed_until: null, error: message });
      await recordAlert(db, {
        dedupeKey: `email-refused:${row.dedupe_key}`, kind: 'email_refused', severity: 'warning',
        message: `The mail server refused the ${row.template} email (outbox ${row.id}) for good: ${scrub(message)}`,
        data: { outbox_id: row.id, template: row.template },
      });
      return { status: 'failed', error: message };
    }
    await db('email_outbox')
      .where({ id: row.id })
      .update({ status: 'sent', claimed_until: null, sent_at: db.fn.now(), message_id: messageId, error: null });
    return { status: 'sent' };
  }

  return {
    /**
     * Sends one transactional email exactly once per dedupeKey, however often Temporal retries or runs it.
     * The outbox row is written first, then claimed in its own short transaction; SMTP is spoken with no
     * transaction or lock held. A concurrent duplicate waits for the claim's outcome (or for it to lapse).
     * A permanent SMTP refusal answers `failed` instead of throwing: the caller's workflow must not stall on it.
     */
    async sendEmail(request: EmailRequest): Promise<EmailOutcome> {
      await insertIfNew(db, request);
      for (;;) {
        const row = await db<OutboxRow>('email_outbox').where({ dedupe_key: request.dedupeKey }).first();
        if (!row) throw new Error(`email_outbox row ${request.dedupeKey} vanished`);
        refuseKeyReuse(row, request);
        if (row.status === 'sent') return { status: 'already_sent' };
        if (row.status === 'failed') return { status: 'failed', error: row.error ?? 'refused' };
        const claimed = await claim(row.id);
        if (claimed) return send(claimed);
        await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
      }
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
