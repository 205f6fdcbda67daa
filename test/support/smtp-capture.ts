import PostalMime from 'postal-mime';
import { startSmtpReceiver } from '../../platform/smtp-sink';

/*
 * A real SMTP server for end-to-end tests: point SMTP_URL at `url`, then look at what arrived. Each message is
 * parsed before the SMTP server answers 250, so once a send has resolved its message is already in `messages`.
 */

export interface CapturedEmail {
  /** Envelope recipients (who it was delivered to). */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** With its angle brackets, e.g. `<…@durapay>`. */
  messageId: string;
  /** Lower-case header names; the first value when a header repeats. */
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

export interface SmtpCapture {
  url: string;
  messages: CapturedEmail[];
  /** Resolves with the first message (already here or still to come) that matches; rejects after timeoutMs. */
  waitFor(predicate: (message: CapturedEmail) => boolean, timeoutMs?: number): Promise<CapturedEmail>;
  count(predicate: (message: CapturedEmail) => boolean): number;
  close(): Promise<void>;
}

export async function parseEmail(raw: Buffer, recipients: string[]): Promise<CapturedEmail> {
  const email = await PostalMime.parse(raw);
  const headers: Record<string, string> = {};
  for (const header of email.headers) if (!(header.key in headers)) headers[header.key] = header.value;
  return {
    to: recipients,
    from: email.from?.address ?? '',
    subject: email.subject ?? '',
    text: email.text ?? '',
    html: email.html ?? '',
    messageId: email.messageId ?? '',
    headers,
    attachments: email.attachments.map((attachment) => ({
      filename: attachment.filename ?? '', contentType: attachment.mimeType,
      content: Buffer.from(attachment.content as ArrayBuffer),
    })),
  };
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedEmail[] = [];
  const listeners = new Set<(message: CapturedEmail) => void>();
  const receiver = await startSmtpReceiver({
    port: 0,
    host: '127.0.0.1',
    async onMessage({ recipients, raw }) {
      const message = await parseEmail(raw, recipients);
      messages.push(message);
      for (const listener of listeners) listener(message);
    },
  });

  return {
    url: receiver.url,
    messages,
    count: (predicate) => messages.filter(predicate).length,
    waitFor(predicate, timeoutMs = 30_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise<CapturedEmail>((resolve, reject) => {
        const listener = (message: CapturedEmail) => {
          if (!predicate(message)) return;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(message);
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          const seen = messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join('; ') || 'none';
          reject(new Error(`No matching email within ${timeoutMs} ms; received: ${seen}`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    close: () => receiver.close(),
  };
}
