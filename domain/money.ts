import { ISO_4217_MINOR_UNITS } from './currencies';

/** Money is an integer count of minor units plus a lowercase ISO 4217 code. */
export interface Money {
  amount: number;
  currency: string;
}

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(ISO_4217_MINOR_UNITS, code.toUpperCase());
}

/** Minor-unit exponent: JPY 0, EUR 2, KWD 3. */
export function currencyExponent(code: string): number {
  const exponent = ISO_4217_MINOR_UNITS[code.toUpperCase()];
  if (exponent === undefined) throw new RangeError(`Unknown currency: ${code}`);
  return exponent;
}

/** Largest amount the providers accept (Stripe: 8 digits of minor units for most currencies). */
export const MAX_AMOUNT_MINOR = 99_999_999;

export function isValidMinorAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_AMOUNT_MINOR;
}

/** Minor units as a decimal in major units with the currency's decimals: majorUnits(1999, 'eur') === '19.99', JPY '500'. */
export function majorUnits(amount: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amount < 0;
  const digits = String(Math.abs(amount)).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, digits.length - exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(digits.length - exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Renders minor units for people: formatMoney({amount: 1050, currency: 'eur'}) === '10.50 EUR'. */
export function formatMoney({ amount, currency }: Money): string {
  return `${majorUnits(amount, currency)} ${currency.toUpperCase()}`;
}

/** Converts a decimal string such as '10.5' to minor units, refusing more precision than the currency has. */
export function toMinorUnits(decimal: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new RangeError(`Not a decimal amount: ${decimal}`);
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) throw new RangeError(`${currency.toUpperCase()} has ${exponent} decimals: ${decimal}`);
  return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}
