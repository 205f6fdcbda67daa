import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Search attributes that let operators find payments in the Temporal UI. */
export const PAYMENT_ID = defineSearchAttributeKey('DurapayPaymentId', SearchAttributeType.KEYWORD);
export const CUSTOMER_ID = defineSearchAttributeKey('DurapayCustomerId', SearchAttributeType.KEYWORD);
export const PAYMENT_STATUS = defineSearchAttributeKey('DurapayStatus', SearchAttributeType.KEYWORD);
export const PROVIDER = defineSearchAttributeKey('DurapayProvider', SearchAttributeType.KEYWORD);
export const AMOUNT = defineSearchAttributeKey('DurapayAmount', SearchAttributeType.INT);
export const CURRENCY = defineSearchAttributeKey('DurapayCurrency', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [PAYMENT_ID, CUSTOMER_ID, PAYMENT_STATUS, PROVIDER, AMOUNT, CURRENCY];
