/**
 * VAT for invoices and credit notes, in integer minor units. Pure: no I/O, safe anywhere.
 * Rates are percentages (21, 5.5) held as basis points so every computation stays in integers.
 */

export type PriceMode = 'inclusive' | 'exclusive';

/** Standard rates of the default table (buyer's country → percent). */
export const DEFAULT_VAT_RATES: Readonly<Record<string, number>> = { BE: 21, FR: 20, NL: 21, DE: 19, LU: 17 };

export const EU_MEMBER_STATES: ReadonlySet<string> = new Set([
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT',
  'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

export interface TaxParty {
  /** ISO 3166-1 alpha-2; null when unknown. */
  country: string | null;
  vat_id: string | null;
}

export interface TaxTreatment {
  /** The country whose rate applies. */
  country: string;
  /** Percent; 0 under reverse charge. */
  rate: number;
  reverse_charge: boolean;
}

/**
 * The buyer's country decides the rate (the seller's when the buyer's is unknown or not in the table). An EU business
 * buyer, known by a VAT id, in another member state than the seller accounts for the VAT itself: reverse charge, 0%.
 */
export function taxTreatment(seller: TaxParty, buyer: TaxParty, rates: Readonly<Record<string, number>>): TaxTreatment {
  const sellerCountry = (seller.country ?? '').toUpperCase();
  const buyerCountry = (buyer.country ?? sellerCountry).toUpperCase();
  const business = Boolean(buyer.vat_id && buyer.vat_id.trim());
  if (business && buyerCountry !== sellerCountry && EU_MEMBER_STATES.has(buyerCountry) && EU_MEMBER_STATES.has(sellerCountry)) {
    return { country: buyerCountry, rate: 0, reverse_charge: true };
  }
  if (rates[buyerCountry] !== undefined) return { country: buyerCountry, rate: rates[buyerCountry], reverse_charge: false };
  return { country: sellerCountry, rate: rates[sellerCountry] ?? 0, reverse_charge: false };
}

const basisPoints = (rate: number) => Math.round(rate * 100);

/** numerator / denominator rounded half away from zero, for non-negative integers. */
function divideRounded(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** VAT on a price without it: 21% of 1001 → 210 (210.21), of 1003 → 211 (210.63). */
export function taxOnNet(net: number, rate: number): number {
  return divideRounded(net * basisPoints(rate), 10_000);
}

/** VAT contained in a price with it: 21% inside 1210 → 210. */
export function taxInGross(gross: number, rate: number): number {
  const bp = basisPoints(rate);
  return divideRounded(gross * bp, 10_000 + bp);
}

export interface LineInput {
  description: string;
  quantity: number;
  /** Minor units, with or without VAT as the mode says. */
  unit_amount: number;
}

export interface TaxedLine extends LineInput {
  /** Without VAT. */
  net: number;
  tax_rate: number;
  tax: number;
  /** With VAT. */
  total: number;
}

export interface TaxedTotals {
  lines: TaxedLine[];
  subtotal: number;
  tax: number;
  total: number;
}

/** Tax is rounded per line, and the total tax is the sum of the lines' (what the invoice shows adds up). */
export function taxLines(lines: LineInput[], rate: number, mode: PriceMode): TaxedTotals {
  const taxed = lines.map((line): TaxedLine => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new RangeError(`quantity must be a positive integer: ${line.quantity}`);
    if (!Number.isSafeInteger(line.unit_amount) || line.unit_amount < 0) throw new RangeError(`unit_amount must be a non-negative integer: ${line.unit_amount}`);
    const amount = line.quantity * line.unit_amount;
    if (mode === 'exclusive') {
      const tax = taxOnNet(amount, rate);
      return { ...line, net: amount, tax_rate: rate, tax, total: amount + tax };
    }
    const tax = taxInGross(amount, rate);
    return { ...line, net: amount - tax, tax_rate: rate, tax, total: amount };
  });
  const sum = (pick: (line: TaxedLine) => number) => taxed.reduce((total, line) => total + pick(line), 0);
  return { lines: taxed, subtotal: sum((line) => line.net), tax: sum((line) => line.tax), total: sum((line) => line.total) };
}

/**
 * One line for an amount already paid (VAT included). Inclusive prices show it as paid. Exclusive prices show the net
 * price that, with its VAT added, makes exactly the amount paid; an amount no net price reaches (VAT rounding skips
 * it) keeps the amount paid, with VAT taking the difference.
 */
export function lineForAmountPaid(description: string, paid: number, rate: number, mode: PriceMode): TaxedTotals {
  if (mode === 'inclusive') return taxLines([{ description, quantity: 1, unit_amount: paid }], rate, 'inclusive');
  const estimate = paid - taxInGross(paid, rate);
  for (const net of [estimate, estimate - 1, estimate + 1]) {
    if (net >= 0 && net + taxOnNet(net, rate) === paid) return taxLines([{ description, quantity: 1, unit_amount: net }], rate, 'exclusive');
  }
  const line: TaxedLine = { description, quantity: 1, unit_amount: estimate, net: estimate, tax_rate: rate, tax: paid - estimate, total: paid };
  return { lines: [line], subtotal: estimate, tax: paid - estimate, total: paid };
}

/**
 * A credit note's VAT, so that credit notes never credit more VAT than the invoice charged: the VAT credited so far
 * is the invoice's VAT in proportion to the amount refunded so far, and the last refund takes what remains.
 */
export function creditedTax(invoice: { total: number; tax: number }, alreadyCredited: { total: number; tax: number }, refund: number): number {
  const creditedTotal = alreadyCredited.total + refund;
  if (creditedTotal > invoice.total) throw new RangeError(`credit of ${creditedTotal} exceeds the invoice total ${invoice.total}`);
  if (invoice.total === 0) return 0;
  const cumulative = creditedTotal === invoice.total ? invoice.tax : divideRounded(creditedTotal * invoice.tax, invoice.total);
  return cumulative - alreadyCredited.tax;
}
