import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION } from './activity-options';
import type { EmailOutcome, EmailRequest } from '../activities/email-activities';

const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * Emails a copy of an issued document on request (POST /v1/payments/:id/invoice/send). Its id derives from the
 * request's Idempotency-Key, and so does the email's dedupe key: each request sends one message, however often
 * it is retried.
 */
export async function sendDocumentEmail(request: EmailRequest): Promise<EmailOutcome> {
  return notification.sendEmail(request);
}
