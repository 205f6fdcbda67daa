import { APPROVED, buildPendingSepaCharge } from './charges';
import type { SandboxCore } from './core';
import { invalidRequest } from './errors';
import type { Operation } from './events';
import { activeMandateOf, createMandate, customerAcceptanceFrom, getMandate } from './mandates';
import { optionalString, type Params } from './params';
import { SEPA_FAILURE_MESSAGES } from './sepa-test-ibans';
import type { CustomerAcceptance, PaymentIntent, SepaDebitPaymentMethod } from './types';

/** Which mandate a SEPA confirmation debits under: an existing one, or one to create from mandate_data. */
export type SepaMandateChoice = { mandateId: string } | { acceptance: CustomerAcceptance; multiUse: boolean };

/**
 * Checked before anything changes, so a refused confirmation leaves no trace: `mandate` must be an active mandate
 * of this method, else `mandate_data` creates one, else the method's mandate from a SetupIntent is used.
 */
export function chooseSepaMandate(core: SandboxCore, pm: SepaDebitPaymentMethod, params: Params): SepaMandateChoice {
  const mandateId = optionalString(params, 'mandate');
  if (mandateId) {
    const mandate = getMandate(core, mandateId, 'mandate');
    if (mandate.payment_method !== pm.id || mandate.status !== 'active') {
      throw invalidRequest(
        `The mandate ${mandate.id} is ${mandate.status} and belongs to ${mandate.payment_method}: it can't be used with ${pm.id}.`,
        'payment_intent_mandate_invalid',
        'mandate',
      );
    }
    return { mandateId };
  }
  const acceptance = customerAcceptanceFrom(params);
  if (acceptance) return { acceptance, multiUse: optionalString(params, 'setup_future_usage') === 'off_session' };
  const saved = activeMandateOf(core, pm.id);
  if (saved) return { mandateId: saved.id };
  throw invalidRequest(
    'A sepa_debit payment needs a mandate: pass mandate (from a SetupIntent) or mandate_data[customer_acceptance].',
    'parameter_missing',
    'mandate_data',
  );
}

/** Confirmed SEPA debit: processing with a pending charge until the "bank" answers after sepaDelayMs. */
export function startSepaDebit(core: SandboxCore, op: Operation, pi: PaymentIntent, pm: SepaDebitPaymentMethod, choice: SepaMandateChoice): void {
  const mandateId =
    'mandateId' in choice
      ? choice.mandateId
      : createMandate(core, pm, choice.acceptance, choice.multiUse ? { type: 'multi_use' } : { type: 'single_use', amount: pi.amount, currency: pi.currency }).id;
  const charge = buildPendingSepaCharge(pi, pm, mandateId);
  core.store.charges.set(charge.id, charge);
  pi.payment_method = pm.id;
  pi.latest_charge = charge.id;
  pi.last_payment_error = null;
  pi.next_action = null;
  pi.status = 'processing';
  op.emit('payment_intent.processing', pi);
  op.emit('charge.pending', charge);
  core.store.sepaSettlements.set(pi.id, Date.now() + core.sepaDelayMs);
  core.scheduleSepaSettlement(pi.id);
  core.store.changed();
}

/** The bank's answer, per the test IBAN the method was created from (see sepa-test-ibans.ts). */
export function settleSepaDebit(core: SandboxCore, op: Operation, paymentIntentId: string): void {
  const { store } = core;
  store.sepaSettlements.delete(paymentIntentId);
  store.changed();
  const pi = store.paymentIntents.get(paymentIntentId);
  const charge = pi?.latest_charge ? store.charges.get(pi.latest_charge) : undefined;
  const pm = charge ? store.paymentMethods.get(charge.payment_method) : undefined;
  if (!pi || !charge || pi.status !== 'processing' || charge.status !== 'pending' || pm?.type !== 'sepa_debit') return;
  const outcome = store.sepaOutcomes.get(pm.id) ?? 'succeeds';
  if (outcome === 'succeeds') {
    charge.status = 'succeeded';
    charge.paid = true;
    charge.outcome = { ...APPROVED };
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    op.emit('charge.succeeded', charge);
    op.emit('payment_intent.succeeded', pi);
    return;
  }
  const message = SEPA_FAILURE_MESSAGES[outcome];
  charge.status = 'failed';
  charge.captured = false;
  charge.amount_captured = 0;
  charge.failure_code = outcome;
  charge.failure_message = message;
  charge.outcome = { type: 'issuer_declined', reason: null, network_status: 'declined_by_network', risk_level: 'normal', seller_message: message };
  pi.status = 'requires_payment_method';
  pi.payment_method = null;
  pi.last_payment_error = { type: 'card_error', code: outcome, message, charge: charge.id, payment_method: structuredClone(pm) };
  op.emit('charge.failed', charge);
  op.emit('payment_intent.payment_failed', pi);
}
