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

/** Returns the dotted path of the first field that holds a card number, or null. Iterative: any depth is safe. */
export function findCardNumber(value: unknown): string | null {
  const found = inspectPayload(value, { maxDepth: Number.POSITIVE_INFINITY });
  return found?.problem === 'card_number' ? found.path : null;
}

export type PayloadProblem = 'too_deep' | 'nul_byte' | 'card_number';

/**
 * Walks a parsed JSON value without recursion (a deeply nested body can't overflow the stack) and returns the
 * first problem with the dotted path where it is: nesting beyond maxDepth, a NUL character (PostgreSQL text can't
 * hold one), or a raw card number in a key or a value.
 */
export function inspectPayload(root: unknown, options: { maxDepth: number }): { problem: PayloadProblem; path: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      if (text.includes('\u0000')) return { problem: 'nul_byte', path };
      if (containsCardNumber(text)) return { problem: 'card_number', path };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= options.maxDepth) return { problem: 'too_deep', path };
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(value)) {
      value.forEach((inner, i) => children.push({ value: inner, path: path ? `${path}[${i}]` : `[${i}]`, depth: depth + 1 }));
    } else {
      for (const [key, inner] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (key.includes('\u0000')) return { problem: 'nul_byte', path: childPath };
        if (containsCardNumber(key)) return { problem: 'card_number', path: childPath };
        children.push({ value: inner, path: childPath, depth: depth + 1 });
      }
    }
    // Reversed so the first field is looked at first, as a reader would.
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return null;
}
