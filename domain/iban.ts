/** IBAN validation: country length and the ISO 13616 mod-97 check. */

/** Lengths for the SEPA countries (plus a few common others). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22,
  GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18,
  NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

export function normalizeIban(iban: string): string {
  return iban.replace(/[\s-]/g, '').toUpperCase();
}

function mod97(numeric: string): number {
  let remainder = 0;
  for (let i = 0; i < numeric.length; i += 7) remainder = Number(`${remainder}${numeric.slice(i, i + 7)}`) % 97;
  return remainder;
}

export type IbanProblem = 'format' | 'country' | 'length' | 'checksum';

export function ibanProblem(input: string): IbanProblem | null {
  const iban = normalizeIban(input);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return 'format';
  const country = iban.slice(0, 2);
  const length = IBAN_LENGTHS[country];
  if (!length) return 'country';
  if (iban.length !== length) return 'length';
  // Belgian IBANs are BE + 14 digits.
  if (country === 'BE' && !/^BE\d{14}$/.test(iban)) return 'format';
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  const numeric = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return mod97(numeric) === 1 ? null : 'checksum';
}

export function isValidIban(input: string): boolean {
  return ibanProblem(input) === null;
}

export function ibanLast4(input: string): string {
  return normalizeIban(input).slice(-4);
}
