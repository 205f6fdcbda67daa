/** Stripe test-mode payment-method tokens and how each one behaves on confirm. */

export interface Decline {
  code: string;
  decline_code: string;
  message: string;
  /** Stripe points some declines at the card field that caused them. */
  param?: string;
}

export type CardBehaviour =
  | { kind: 'success' }
  | { kind: 'decline'; decline: Decline }
  /** Sandbox only: declines the first PaymentIntent of a payment (same metadata.durapay_payment_id), approves later ones. */
  | { kind: 'decline_first'; decline: Decline }
  | { kind: 'authentication_required' }
  | { kind: 'refund_fails' }
  /** Succeeds; a moment later the payer disputes the charge (Stripe's 4000 0000 0000 0259). */
  | { kind: 'dispute' }
  /** Succeeds, with Radar's risk verdict on the charge (Stripe's 4000 0000 0000 9235 and 4000 0000 0000 4954). */
  | { kind: 'risky'; riskLevel: 'elevated' | 'highest' };

export interface TestCard {
  brand: string;
  last4: string;
  funding: 'credit' | 'debit';
  country: string;
  behaviour: CardBehaviour;
}

const declined = (decline_code: string, message = 'Your card was declined.'): CardBehaviour => ({
  kind: 'decline',
  decline: { code: 'card_declined', decline_code, message },
});

const visa = (last4: string, behaviour: CardBehaviour): TestCard => ({ brand: 'visa', last4, funding: 'credit', country: 'US', behaviour });

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: visa('4242', { kind: 'success' }),
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', funding: 'credit', country: 'US', behaviour: { kind: 'success' } },
  pm_card_amex: { brand: 'amex', last4: '8431', funding: 'credit', country: 'US', behaviour: { kind: 'success' } },
  pm_card_visa_debit: { brand: 'visa', last4: '5556', funding: 'debit', country: 'US', behaviour: { kind: 'success' } },
  pm_card_chargeDeclined: visa('0002', declined('generic_decline')),
  pm_card_chargeDeclinedInsufficientFunds: visa('9995', declined('insufficient_funds', 'Your card has insufficient funds.')),
  pm_card_chargeDeclinedLostCard: visa('9987', declined('lost_card')),
  pm_card_chargeDeclinedStolenCard: visa('9979', declined('stolen_card')),
  pm_card_chargeDeclinedExpiredCard: visa('0069', {
    kind: 'decline',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' },
  }),
  pm_card_chargeDeclinedIncorrectCvc: visa('0127', {
    kind: 'decline',
    decline: { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect.", param: 'cvc' },
  }),
  pm_card_chargeDeclinedProcessingError: visa('0119', {
    kind: 'decline',
    decline: {
      code: 'processing_error',
      decline_code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  }),
  // Not a Stripe token: a soft decline that clears on the next attempt, for automatic-retry tests and demos.
  pm_card_durapay_softDeclineOnce: visa('0341', {
    kind: 'decline_first',
    decline: {
      code: 'processing_error',
      decline_code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  }),
  pm_card_authenticationRequired: visa('3184', { kind: 'authentication_required' }),
  pm_card_threeDSecure2Required: visa('3220', { kind: 'authentication_required' }),
  pm_card_refundFail: visa('5126', { kind: 'refund_fails' }),
  pm_card_createDispute: visa('0259', { kind: 'dispute' }),
  pm_card_riskLevelElevated: visa('9235', { kind: 'risky', riskLevel: 'elevated' }),
  pm_card_riskLevelHighest: visa('4954', { kind: 'risky', riskLevel: 'highest' }),
};

/** Off-session payments can't show a 3DS challenge, so Stripe declines them instead. */
export const OFF_SESSION_AUTHENTICATION_DECLINE: Decline = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

export const AUTHENTICATION_FAILURE_MESSAGE =
  'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.';
