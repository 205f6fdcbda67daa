import type { DisputeStatus } from '../../domain/dispute';
import type { ProviderDisputeState } from '../../domain/provider-types';
import { fromPayPalValue, PAYPAL } from './paypal-transformers';

/** PayPal's dispute JSON (Customer Disputes v1, snake_case, as webhooks carry it): only the fields Durapay reads. */
type Json = Record<string, unknown>;

const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** PayPal's reasons in Stripe's words, which the engine uses for every provider. */
const REASONS: Record<string, string> = {
  UNAUTHORISED: 'fraudulent',
  MERCHANDISE_OR_SERVICE_NOT_RECEIVED: 'product_not_received',
  MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED: 'product_unacceptable',
  DUPLICATE_TRANSACTION: 'duplicate',
  CREDIT_NOT_PROCESSED: 'credit_not_processed',
  CANCELED_RECURRING_BILLING: 'subscription_canceled',
  PAYMENT_BY_OTHER_MEANS: 'paid_by_other_means',
  INCORRECT_AMOUNT: 'incorrect_amount',
};

/** Outcomes in the seller's favour (or where the buyer gave up): the money stays. */
const WON_OUTCOMES = new Set(['RESOLVED_SELLER_FAVOUR', 'CANCELED_BY_BUYER', 'DENIED']);

function statusOf(status: string | null, outcomeCode: string | null): DisputeStatus {
  if (status === 'RESOLVED' || outcomeCode) return outcomeCode && WON_OUTCOMES.has(outcomeCode) ? 'won' : 'lost';
  if (status === 'UNDER_REVIEW' || status === 'WAITING_FOR_BUYER_RESPONSE') return 'under_review';
  return 'needs_response';
}

function minorUnits(money: unknown): { amount: number; currency: string } | null {
  const { currency_code: currencyCode, value } = object(money);
  if (typeof currencyCode !== 'string' || typeof value !== 'string') return null;
  return { amount: fromPayPalValue({ currencyCode, value }), currency: currencyCode.toLowerCase() };
}

export interface ParsedPayPalDispute {
  dispute: ProviderDisputeState;
  /** The disputed capture (seller_transaction_id): the engine's payment is its order. */
  captureId: string | null;
}

/** Translates a dispute resource; null when it has no dispute id. */
export function fromPayPalDispute(resource: unknown, options: { providerUrl: (disputeId: string) => string | null }): ParsedPayPalDispute | null {
  const body = object(resource);
  const id = text(body.dispute_id);
  if (!id) return null;
  const transaction = object(Array.isArray(body.disputed_transactions) ? body.disputed_transactions[0] : null);
  const money = minorUnits(body.dispute_amount) ?? minorUnits(transaction.gross_amount) ?? { amount: 0, currency: '' };
  const outcomeCode = text(object(body.dispute_outcome).outcome_code);
  const status = text(body.status);
  const dueBy = Date.parse(text(body.seller_response_due_date) ?? '');
  const reason = text(body.reason) ?? 'OTHER';
  return {
    dispute: {
      provider: PAYPAL,
      providerDisputeId: id,
      // The order is found from the capture by the adapter (it needs an API call).
      providerPaymentId: null,
      // custom is the purchase unit's custom_id: the engine's payment id.
      paymentId: text(transaction.custom),
      amount: money.amount,
      currency: money.currency,
      reason: REASONS[reason] ?? 'general',
      status: statusOf(status, outcomeCode),
      providerStatus: outcomeCode ? `${status ?? 'RESOLVED'}:${outcomeCode}` : (status ?? 'OPEN'),
      evidenceDueBy: Number.isNaN(dueBy) ? null : Math.floor(dueBy / 1000),
      providerUrl: options.providerUrl(id),
    },
    captureId: text(transaction.seller_transaction_id),
  };
}

/** Where an admin answers a PayPal dispute: the Resolution Center, or the local sandbox's API. */
export function payPalDisputeUrl(disputeId: string, options: { mode: 'live' | 'sandbox'; baseUrl: string | null }): string {
  if (options.baseUrl) return `${options.baseUrl.replace(/\/+$/, '')}/v1/customer/disputes/${disputeId}`;
  return `https://www.${options.mode === 'live' ? '' : 'sandbox.'}paypal.com/resolutioncenter/${disputeId}`;
}
