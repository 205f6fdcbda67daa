/** Finds raw card numbers (PANs) in request payloads so they are refused before storage or logging. */

/**
 * A run of 13 to 19 digits, optionally separated by single spaces or dashes, standing alone (not glued to letters
 * or other digits) and starting like a card network's number (2 to 6). Millisecond timestamps and order numbers
 * start with 1 or sit inside identifiers, so they are not mistaken for cards.
 */
const CANDIDATE = /(?<![A-Za-z0-9])[2-6](?:[ -]?\d){12,18}(?![A-Za-z0-9])/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let digit = digits.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return false;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** Returns the dotted path of the first field that holds a card number, or null. */
export function findCardNumber(value: unknown, path = ''): string | null {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return containsCardNumber(String(value)) ? path : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findCardNumber(value[i], path ? `${path}[${i}]` : `[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (containsCardNumber(key)) return childPath;
      const found = findCardNumber(inner, childPath);
      if (found !== null) return found;
    }
  }
  return null;
}
