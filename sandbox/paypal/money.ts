import { invalidRequest, unprocessable } from './errors';
import type { Money } from './types';

/** The currencies PayPal takes payments in. */
const PAYPAL_CURRENCIES = new Set([
  'AUD', 'BRL', 'CAD', 'CNY', 'CZK', 'DKK', 'EUR', 'HKD', 'HUF', 'ILS', 'JPY', 'MYR', 'MXN', 'TWD',
  'NZD', 'NOK', 'PHP', 'PLN', 'GBP', 'SGD', 'SEK', 'CHF', 'THB', 'USD',
]);
/** PayPal takes whole amounts only in these (HUF and TWD have cents in ISO 4217, not at PayPal). */
const NO_DECIMALS = new Set(['HUF', 'JPY', 'TWD']);

export function decimalsOf(currency: string): number {
  return NO_DECIMALS.has(currency) ? 0 : 2;
}

/** An amount in PayPal's smallest unit for the currency (cents, or whole yen). */
export function toUnits(money: Money): number {
  const [whole, fraction = ''] = money.value.split('.');
  const decimals = decimalsOf(money.currency_code);
  return Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
}

export function fromUnits(units: number, currency: string): Money {
  const decimals = decimalsOf(currency);
  const digits = String(units).padStart(decimals + 1, '0');
  const value = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return { currency_code: currency, value };
}

/** Validates an {currency_code, value} from a request with PayPal's issues; `field` is its JSON pointer. */
export function parseMoney(input: unknown, field: string): Money {
  if (typeof input !== 'object' || input === null) {
    throw invalidRequest({ field, issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' });
  }
  const { currency_code: currency, value } = input as Record<string, unknown>;
  if (currency === undefined) {
    throw invalidRequest({ field: `${field}/currency_code`, issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' });
  }
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw invalidRequest({ field: `${field}/currency_code`, value: String(currency), issue: 'INVALID_PARAMETER_SYNTAX', description: 'The value of a field does not conform to the expected format.' });
  }
  if (!PAYPAL_CURRENCIES.has(currency)) {
    throw unprocessable({ field: `${field}/currency_code`, value: currency, issue: 'CURRENCY_NOT_SUPPORTED', description: 'Currency code is not currently supported.' });
  }
  if (value === undefined) {
    throw invalidRequest({ field: `${field}/value`, issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' });
  }
  if (typeof value !== 'string' || !/^\d{1,10}(\.\d+)?$/.test(value)) {
    throw invalidRequest({ field: `${field}/value`, value: String(value), issue: 'INVALID_PARAMETER_SYNTAX', description: 'The value of a field does not conform to the expected format.' });
  }
  const fraction = value.split('.')[1] ?? '';
  if (value.includes('.') && fraction.length > decimalsOf(currency)) {
    throw unprocessable({
      field: `${field}/value`,
      value,
      issue: 'DECIMAL_PRECISION',
      description: `If the currency supports decimals, only two decimal place precision is supported; ${currency} takes ${decimalsOf(currency)}.`,
    });
  }
  const money = { currency_code: currency, value };
  if (toUnits(money) <= 0) {
    throw unprocessable({ field: `${field}/value`, value, issue: 'CANNOT_BE_ZERO_OR_NEGATIVE', description: 'Must be greater than zero.' });
  }
  return money;
}
