import { z } from 'zod';
import { ISO_4217_MINOR_UNITS } from '../../domain/currencies';

/*
 * Field types several routes share, written so the OpenAPI document says exactly what the API accepts
 * (schemathesis checks that no request valid by the document is refused).
 */

/** The HTML living standard's address grammar: what browsers accept, and what mail servers deliver to. */
export const EmailAddress = z.string().max(254).regex(z.regexes.html5Email, 'must be an email address');

/** Lowercase ISO 4217 codes. */
export const CURRENCY_CODES = Object.keys(ISO_4217_MINOR_UNITS).map((code) => code.toLowerCase()) as [string, ...string[]];
export const CurrencyCode = z
  .enum(CURRENCY_CODES, { error: 'must be a lowercase ISO 4217 currency code, e.g. eur' })
  .meta({ description: 'Lowercase ISO 4217 code, e.g. eur.' });

/**
 * The merchant's own customer id. Printable ASCII without spaces: it becomes part of provider idempotency keys,
 * which travel as HTTP headers.
 */
export const CustomerId = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'may hold letters, digits and . _ : @ - only');

/**
 * An IBAN (ISO 13616): format `iban` means country code, check digits and the country's length; the route refuses
 * a wrong one with invalid_iban. Spaces and lowercase are accepted and normalized.
 */
export const Iban = z.string().min(5).max(42).meta({ format: 'iban' });

/** For trimmed texts: something besides spaces, and no NUL. */
export const NOT_BLANK = '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$';
