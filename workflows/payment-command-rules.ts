import type { DomainRefusal } from '../domain/errors';
import type { EventSource, Payment } from '../domain/payment';
import { canCancel, canCapture } from '../domain/payment-status';

/** A command on a payment: by the API's Updates, or by the workflow itself (auto-capture, expiries). */
export interface PaymentCommand {
  kind: 'capture' | 'cancel' | 'mark_received';
  amount?: number;
  actor: string;
  source: EventSource;
  reason?: string;
  reference?: string;
}

export interface CommandContext {
  /** Money arrives outside any provider API (cash, bank transfer) and an admin marks it received. */
  settledByMerchant: boolean;
  /** A failed payment waits for its automatic retry: a cancel calls that retry off. */
  automaticRetryScheduled: boolean;
}

export type CommandVerdict = { verdict: 'take' } | { verdict: 'call_off_retry' } | { verdict: 'refuse'; refusal: DomainRefusal };

const DONE_AS: Record<PaymentCommand['kind'], string> = { capture: 'captured', cancel: 'canceled', mark_received: 'marked paid' };

export function invalidState(payment: Pick<Payment, 'status'>, action: string): DomainRefusal {
  return { kind: 'state_conflict', code: 'payment_unexpected_state', message: `This payment can't be ${action}: its status is ${payment.status}.` };
}

/**
 * The one rule per command. The Update validator judges with stage 'accept'; the workflow judges again with stage
 * 'execute' when it gets to the command, as the payment may have moved on meanwhile. Acting also needs the provider's
 * payment: a cancel accepted while a risk review holds the payment (none yet) is the review's to apply.
 */
export function judgeCommand(payment: Payment, command: PaymentCommand, context: CommandContext, stage: 'accept' | 'execute'): CommandVerdict {
  const refuse = (refusal: DomainRefusal = invalidState(payment, DONE_AS[command.kind])): CommandVerdict => ({ verdict: 'refuse', refusal });
  switch (command.kind) {
    case 'cancel':
      if (context.automaticRetryScheduled) return { verdict: 'call_off_retry' };
      if (!canCancel(payment.status)) return refuse();
      break;
    case 'capture':
      if (!canCapture(payment.status) || context.settledByMerchant) return refuse();
      if (command.amount !== undefined && command.amount > payment.amount) {
        // Measured against this payment's own amount: a well-formed request that conflicts with the payment (409, as a
        // refund over what remains), not a malformed one (400).
        return refuse({ kind: 'state_conflict', code: 'amount_too_large', param: 'amount_to_capture', message: `amount_to_capture can't exceed the authorized ${payment.amount}.` });
      }
      break;
    case 'mark_received':
      if (!context.settledByMerchant || payment.status !== 'pending') return refuse();
      if (command.amount !== undefined && command.amount < payment.amount) {
        return refuse({
          kind: 'state_conflict', code: 'amount_insufficient', param: 'received_amount',
          message: `Received ${command.amount} but the payment is for ${payment.amount}: an under-payment can't settle it.`,
        });
      }
      break;
  }
  if (stage === 'execute' && !context.settledByMerchant && !payment.provider_payment_id) return refuse();
  return { verdict: 'take' };
}
