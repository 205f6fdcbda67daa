import type { Payment } from './payment';

export type PaymentAction = 'capture' | 'cancel' | 'call_off_retry' | 'retry' | 'refund' | 'mark_received' | 'review';

/**
 * The commands worth offering for a payment in its state (the admin console's buttons). The API still decides: this
 * only hides what it would refuse anyway.
 */
export function actionsFor(payment: Pick<Payment, 'status' | 'provider' | 'next_retry_at' | 'dispute'>): PaymentAction[] {
  const offline = payment.provider === 'offline';
  switch (payment.status) {
    case 'requires_capture':
      return ['capture', 'cancel'];
    case 'requires_review':
      return ['review'];
    case 'pending':
      return offline ? ['mark_received', 'cancel'] : ['cancel'];
    case 'requires_action':
      return ['cancel'];
    case 'failed':
      return [...(offline ? [] : (['retry'] as const)), ...(payment.next_retry_at ? (['call_off_retry'] as const) : [])];
    case 'succeeded':
    case 'partially_refunded':
      return payment.dispute ? [] : ['refund'];
    default:
      return [];
  }
}
