import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';

/** Search attributes that let operators find payments in the Temporal UI. */
export const PAYMENT_ID = defineSearchAttributeKey('DurapayPaymentId', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('DurapayCustomerId', SearchAttributeType.KEYWORD);
export const PAYMENT_STATUS = defineSearchAttributeKey('DurapayStatus', SearchAttributeType.KEYWORD);
export const PROVIDER = defineSearchAttributeKey('DurapayProvider', SearchAttributeType.KEYWORD);
export const AMOUNT = defineSearchAttributeKey('DurapayAmount', SearchAttributeType.INT);
export const CURRENCY = defineSearchAttributeKey('DurapayCurrency', SearchAttributeType.KEYWORD);

/** A payment's risk review: open, approved, blocked, expired or canceled (search `DurapayRiskReview = "open"`). */
export const RISK_REVIEW = defineSearchAttributeKey('DurapayRiskReview', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [PAYMENT_ID, CUSTOMER_ID, PAYMENT_STATUS, PROVIDER, AMOUNT, CURRENCY, RISK_REVIEW];

/**
 * What a workflow is searchable by. Refund, dispute and late-event workflows carry their payment's id too, so
 * `DurapayPaymentId = "pay_..."` in the UI lists everything that happened to one payment.
 */
export function searchAttributesFor(fields: {
  paymentId?: string | null; customerId?: string | null; status?: string; provider?: string; amount?: number; currency?: string;
}): TypedSearchAttributes {
  return new TypedSearchAttributes([
    ...(fields.paymentId ? [{ key: PAYMENT_ID, value: fields.paymentId }] : []),
    ...(fields.customerId ? [{ key: CUSTOMER_ID, value: fields.customerId }] : []),
    ...(fields.status ? [{ key: PAYMENT_STATUS, value: fields.status }] : []),
    ...(fields.provider ? [{ key: PROVIDER, value: fields.provider }] : []),
    ...(fields.amount !== undefined ? [{ key: AMOUNT, value: fields.amount }] : []),
    ...(fields.currency ? [{ key: CURRENCY, value: fields.currency }] : []),
  ]);
}
