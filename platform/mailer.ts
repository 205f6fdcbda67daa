import nodemailer from 'nodemailer';
import type { Mailer } from '../activities/email-activities';

/** An SMTP client for the email activities, e.g. smtp://user:pass@smtp.example.com:587 or the local sink's URL. */
export function createMailer(smtpUrl: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    // The activity holds a database connection while it sends: fail a dead server in seconds, not nodemailer's
    // default minutes, and let Temporal retry. Query parameters in the URL still override these.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    sendMail: (message) => transport.sendMail(message),
    close: () => transport.close(),
  };
}
