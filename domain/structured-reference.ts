/**
 * Belgian structured communication (+++123/4567/89012+++): ten digits and a two-digit mod-97 check,
 * 97 when the remainder is zero. Derived from the payment id, so the same payment always gets the same one.
 */
export function structuredReference(seed: string): string {
  let hash = 0n;
  for (const char of seed) hash = (hash * 131n + BigInt(char.codePointAt(0)!)) % 10_000_000_000n;
  const base = hash === 0n ? 1n : hash;
  const check = base % 97n === 0n ? 97n : base % 97n;
  const digits = `${base.toString().padStart(10, '0')}${check.toString().padStart(2, '0')}`;
  return `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7)}+++`;
}

export function isValidStructuredReference(reference: string): boolean {
  const match = /^\+\+\+(\d{3})\/(\d{4})\/(\d{5})\+\+\+$/.exec(reference);
  if (!match) return false;
  const digits = match.slice(1).join('');
  const base = BigInt(digits.slice(0, 10));
  const check = BigInt(digits.slice(10));
  return (base % 97n === 0n ? 97n : base % 97n) === check;
}
