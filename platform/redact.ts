/**
 * Customer values that must never reach a log line or an error message that is logged: IBANs and email addresses,
 * wherever they hide (a database error quoting a row, a provider error quoting a parameter).
 */
const IBAN_LIKE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g;
const EMAIL_LIKE = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

export function scrub(text: string): string {
  return text.replace(EMAIL_LIKE, '[email]').replace(IBAN_LIKE, '[iban]');
}
