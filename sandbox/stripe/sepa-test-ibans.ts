import type { SepaOutcome } from './types';

/**
 * Stripe's documented failing test IBANs ("pm_failed_*" and "pm_failedDelayed_*") for the countries Durapay
 * customers use most. Stripe's delayed variants settle after three minutes; here every SEPA debit settles after
 * the sandbox's own delay (sepaDelayMs), so they behave like the immediate ones.
 */
const FAILING_TEST_IBANS = new Set([
  'AT861904300235473202', 'AT051904300235473205',
  'BE68539007547034', 'BE51510007547065',
  'DE62370400440532013001', 'DE78370400440532013004',
  'FR8420041010050500013M02607', 'FR7920041010050500013M02600',
  'NL91ABNA0417164300', 'NL28RABO0300065268',
]);

/** Account-number endings Stripe uses for the same failures in every country's test IBANs. */
const FAILING_ENDINGS: ReadonlyArray<[string, SepaOutcome]> = [
  ['343434', 'charge_exceeds_source_limit'],
  ['121212', 'charge_exceeds_weekly_limit'],
  ['2222227', 'insufficient_funds'],
];

/** How a debit from this (valid, normalized) IBAN settles: any IBAN not listed succeeds. */
export function sepaOutcomeOf(iban: string): SepaOutcome {
  // Stripe doesn't document a failure code for its generic failing IBANs; insufficient_funds is the common one.
  if (FAILING_TEST_IBANS.has(iban)) return 'insufficient_funds';
  return FAILING_ENDINGS.find(([ending]) => iban.endsWith(ending))?.[1] ?? 'succeeds';
}

/** Stripe's wording for each SEPA failure code, as charge.failure_message carries it. */
export const SEPA_FAILURE_MESSAGES: Readonly<Record<Exclude<SepaOutcome, 'succeeds'>, string>> = {
  insufficient_funds: "The customer's account has insufficient funds to cover this payment.",
  charge_exceeds_source_limit: 'This payment would take the account over its weekly payment volume limit.',
  charge_exceeds_weekly_limit: "The payment amount exceeds the account's transaction volume limit.",
};
