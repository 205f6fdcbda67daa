/** Chooses the most specific failure code from a provider's raw codes, with a message a person can act on. */

export interface RawProviderFailure {
  /** The provider's error code, e.g. Stripe's `card_declined`. */
  code?: string | null;
  /** The issuer's decline code, e.g. Stripe's `insufficient_funds`. */
  declineCode?: string | null;
  /** The provider's own message, kept for the record. */
  message?: string | null;
}

export interface PaymentFailure {
  failure_code: string;
  failure_message: string;
  provider_code: string | null;
  provider_decline_code: string | null;
  provider_message: string | null;
}

/** Decline codes that say no more than "declined". */
const GENERIC_DECLINE_CODES = new Set(['generic_decline', 'do_not_honor', 'card_declined', 'transaction_not_allowed']);

/** Provider codes that mean the same thing as one of ours. */
const CODE_ALIASES: Record<string, string> = {
  payment_intent_authentication_failure: 'authentication_required',
  card_decline_rate_limit_exceeded: 'card_declined',
  invalid_cvc: 'incorrect_cvc',
  INSTRUMENT_DECLINED: 'card_declined',
};

const MESSAGES: Record<string, string> = {
  card_declined: 'The card was declined. Ask the customer to use another card or payment method.',
  insufficient_funds: 'The card or account has insufficient funds. Ask the customer to use another payment method or a smaller amount.',
  expired_card: 'The card has expired. Ask the customer for an up-to-date card.',
  lost_card: 'The card was reported lost. Ask the customer to use another card.',
  stolen_card: 'The card was reported stolen. Ask the customer to use another card.',
  incorrect_cvc: "The card's security code (CVC) is incorrect. Ask the customer to check it and try again.",
  incorrect_number: 'The card number is incorrect. Ask the customer to check it and try again.',
  processing_error: 'An error occurred while processing the card. Try again shortly; no money was taken.',
  authentication_required: 'The customer did not complete 3-D Secure authentication. Ask them to try again and approve the payment with their bank.',
  fraudulent: 'The payment was declined as suspected fraud. Do not retry with the same card.',
  try_again_later: 'The issuer asked to try again later. Retry the payment in a few hours.',
};

export function chooseFailureCode(raw: RawProviderFailure): string {
  const decline = raw.declineCode ? (CODE_ALIASES[raw.declineCode] ?? raw.declineCode) : null;
  if (decline && !GENERIC_DECLINE_CODES.has(decline)) return decline;
  if (raw.code) return CODE_ALIASES[raw.code] ?? raw.code;
  return decline ? 'card_declined' : 'processing_error';
}

export function describeFailure(raw: RawProviderFailure): PaymentFailure {
  const failureCode = chooseFailureCode(raw);
  return {
    failure_code: failureCode,
    failure_message: MESSAGES[failureCode] ?? raw.message ?? 'The payment failed. Ask the customer to try another payment method.',
    provider_code: raw.code ?? null,
    provider_decline_code: raw.declineCode ?? null,
    provider_message: raw.message ?? null,
  };
}
