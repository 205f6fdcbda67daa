import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NOTIFICATION } from './activity-options';

const notification = proxyActivities<Activities>(NOTIFICATION);

export interface ContactChange {
  customerId: string;
  previousEmail: string;
  newEmail: string;
  locale: string;
  changedBy: string;
}

/**
 * A customer's email changed through the API: the previous address is told (someone else may have changed it) and
 * the admins see it in their alerts. The workflow id derives from the change, so a retried request tells them once.
 */
export async function notifyContactChange(change: ContactChange): Promise<void> {
  await notification.sendEmail({
    dedupeKey: `contact_changed:${change.customerId}:${change.previousEmail}:${change.newEmail}`,
    to: change.previousEmail,
    template: 'account_details_changed',
    locale: change.locale,
    data: { new_email: change.newEmail },
  });
  await notification.raiseAlert({
    dedupeKey: `customer_email_changed:${change.customerId}:${change.previousEmail}:${change.newEmail}`, kind: 'customer_email_changed', severity: 'warning',
    message: `${change.changedBy} changed customer ${change.customerId}'s email from ${change.previousEmail} to ${change.newEmail}; the previous address was told`,
    data: { customer_id: change.customerId, previous_email: change.previousEmail, new_email: change.newEmail, changed_by: change.changedBy },
  });
}
