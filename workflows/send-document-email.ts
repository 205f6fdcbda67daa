import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EmailRequest } from '../activities/email-activities';

// Longer than the mailer's own connect and socket timeouts.
const mail = proxyActivities<Activities>({ startToCloseTimeout: '90 seconds', retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' } });

/**
 * Emails a copy of an issued document on request (POST /v1/payments/:id/invoice/send). Its id derives from the
 * request's Idempotency-Key, and so does the email's dedupe key: each request sends one message, however often
 * it is retried.
 */
export async function sendDocumentEmail(request: EmailRequest): Promise<{ status: 'sent' | 'already_sent' }> {
  return mail.sendEmail(request);
}
