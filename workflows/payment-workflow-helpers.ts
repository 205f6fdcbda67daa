import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CustomerContact } from '../activities/customer-contact';
import type { Payment } from '../domain/payment';
import type { MoneyMismatchAlert } from '../domain/provider-money';
import { NOTIFICATION, PROVIDER_CALL, STORAGE } from './activity-options';

export const provider = proxyActivities<Activities>(PROVIDER_CALL);
// A regular activity, never local: see hot-path.ts.
const storage = proxyActivities<Activities>(STORAGE);
const notification = proxyActivities<Activities>(NOTIFICATION);

/**
 * A receipt on success, the reason on failure (per attempt), a notice when an unpaid offline payment lapses; once per
 * payment and address. `knownContact`: already looked up (null: none); undefined: looked up here.
 */
export async function emailOutcome(payment: Payment, knownContact?: CustomerContact | null): Promise<void> {
  const template =
    payment.status === 'succeeded' ? 'payment_receipt'
      : payment.status === 'failed' ? 'payment_failed'
        : payment.status === 'canceled' && payment.instructions ? 'payment_expired' : null;
  if (!template) return;
  const contact = knownContact !== undefined ? knownContact : await storage.findCustomerContact({ paymentId: payment.id });
  if (!contact) return;
  const occasion = template === 'payment_receipt' ? 'receipt' : template === 'payment_failed' ? 'failed' : 'expired';
  // A retried payment that fails again says so again; its first attempt keeps the key it always had.
  const attempt = payment.attempt_count ?? 1;
  const attemptSuffix = template === 'payment_failed' && attempt > 1 ? `:attempt-${attempt}` : '';
  await notification.sendEmail({
    dedupeKey: `${payment.id}:${occasion}${attemptSuffix}:${contact.email}`,
    to: contact.email,
    template,
    locale: contact.locale,
    data: {
      payment_id: payment.id, amount: payment.status === 'succeeded' ? payment.amount_captured : payment.amount, currency: payment.currency,
      description: payment.description, customer_name: contact.name, paid_at: payment.updated_at,
      failure_code: payment.failure_code, failure_message: payment.failure_message,
    },
  });
}

/** Stored and emailed once per orphaned provider payment (the dedupe key), however many times it is noticed. */
export async function raiseMoneyMismatch(alert: MoneyMismatchAlert): Promise<void> {
  await notification.raiseAlert(alert);
}
