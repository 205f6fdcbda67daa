import { toUnicode } from 'punycode.js';
import { z } from 'zod';
import { ISO_4217_MINOR_UNITS } from '../../domain/currencies';

/*
 * Field types several routes share, written so the OpenAPI document says exactly what the API accepts
 * (schemathesis checks that no request valid by the document is refused).
 */

/**
 * The HTML living standard's address grammar narrowed to what SMTP carries (RFC 5321): the local part is a dot-atom
 * (no leading, trailing or doubled dot) and the path fits 256 octets with its angle brackets. An address the API
 * accepts is one the mail server takes in RCPT TO.
 */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOMAIN_LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
export const EMAIL_PATTERN = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*@${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*$`);
/** A domain label `xn--…` must be valid punycode (the mail server decodes it with the same library, punycode.js). */
function decodesAsIdn(address: string): boolean {
  try {
    toUnicode(address.slice(address.lastIndexOf('@') + 1));
    return true;
  } catch {
    return false;
  }
}
export const EmailAddress = z
  .string()
  .max(253)
  .regex(EMAIL_PATTERN, 'must be an email address')
  .refine(decodesAsIdn, 'must be an email address (its xn-- domain labels must be valid punycode)')
  .meta({ description: 'An email address: dot-atom local part, letters, digits and hyphens in the domain; labels starting with xn-- are valid punycode.' });

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
