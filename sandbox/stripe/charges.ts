import { newId, nowSeconds } from './ids';
import type { Decline } from './test-cards';
import type { CardPaymentMethod, Charge, ChargeOutcome, PaymentIntent, SepaDebitPaymentMethod } from './types';

export const APPROVED: ChargeOutcome = {
  type: 'authorized',
  reason: null,
  network_status: 'approved_by_network',
  risk_level: 'normal',
  seller_message: 'Payment complete.',
};

function declinedOutcome(decline: Decline): ChargeOutcome {
  return {
    type: 'issuer_declined',
    reason: decline.decline_code,
    network_status: 'declined_by_network',
    risk_level: 'normal',
    seller_message: 'The bank did not return any further details with this decline.',
  };
}

/** A Charge for one confirm attempt: approved (captured or just authorized) or declined. */
export function buildCharge(pi: PaymentIntent, pm: CardPaymentMethod, result: { captured: boolean } | { decline: Decline }): Charge {
  const declined = 'decline' in result ? result.decline : null;
  const captured = !declined && 'captured' in result && result.captured;
  const { funding, ...card } = pm.card;
  return {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: captured ? pi.amount : 0,
    amount_refunded: 0,
    captured,
    paid: !declined,
    refunded: false,
    status: declined ? 'failed' : 'succeeded',
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    payment_intent: pi.id,
    metadata: { ...pi.metadata },
    failure_code: declined ? declined.code : null,
    failure_message: declined ? declined.message : null,
    outcome: declined ? declinedOutcome(declined) : { ...APPROVED },
    created: nowSeconds(),
    payment_method: pm.id,
    payment_method_details: { type: 'card', card: { ...card, funding } },
    receipt_email: pi.receipt_email,
    disputed: false,
    livemode: false,
  };
}

/** A SEPA debit is pending until the bank settles it; captured from the start, paid only once it settles. */
export function buildPendingSepaCharge(pi: PaymentIntent, pm: SepaDebitPaymentMethod, mandateId: string): Charge {
  const { generated_from: _generatedFrom, ...account } = pm.sepa_debit;
  return {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: pi.amount,
    amount_refunded: 0,
    captured: true,
    paid: false,
    refunded: false,
    status: 'pending',
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    payment_intent: pi.id,
    metadata: { ...pi.metadata },
    failure_code: null,
    failure_message: null,
    outcome: null,
    created: nowSeconds(),
    payment_method: pm.id,
    payment_method_details: { type: 'sepa_debit', sepa_debit: { ...account, mandate: mandateId } },
    receipt_email: pi.receipt_email,
    disputed: false,
    livemode: false,
  };
}

/** What is still refundable on a charge. */
export function refundableAmount(charge: Charge): number {
  return charge.amount_captured - charge.amount_refunded;
}
