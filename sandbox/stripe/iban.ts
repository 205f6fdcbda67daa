import { createHash } from 'node:crypto';

/** IBAN lengths of the SEPA countries (SWIFT IBAN registry); other countries can't be debited with SEPA. */
const SEPA_IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22,
  GI: 23, GR: 27, HR: 21, HU: 28, IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MT: 31, NL: 18,
  NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24, SM: 27, VA: 22,
};

/** Where the national bank and branch codes sit in the BBAN (the part after country and check digits). */
const NATIONAL_CODES: Readonly<Record<string, { bank: [number, number]; branch?: [number, number] }>> = {
  AT: { bank: [0, 5] },
  BE: { bank: [0, 3] },
  DE: { bank: [0, 8] },
  ES: { bank: [0, 4], branch: [4, 8] },
  FR: { bank: [0, 5], branch: [5, 10] },
  IE: { bank: [0, 4], branch: [4, 10] },
  IT: { bank: [1, 6], branch: [6, 11] },
  LU: { bank: [0, 3] },
  NL: { bank: [0, 4] },
  PT: { bank: [0, 4], branch: [4, 8] },
};

/** Upper case without spaces, as customers type IBANs in groups of four. */
export function normalizeIban(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** ISO 13616: move the first four characters to the end, letters become 10..35, the number mod 97 must be 1. */
function checksumHolds(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const digits = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

export function isValidSepaIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const length = SEPA_IBAN_LENGTHS[iban.slice(0, 2)];
  return length === iban.length && checksumHolds(iban);
}

/** The display details Stripe derives from an IBAN; the fingerprint is stable per account, not reversible. */
export function describeIban(iban: string): { bank_code: string; branch_code: string; country: string; fingerprint: string; last4: string } {
  const country = iban.slice(0, 2);
  const bban = iban.slice(4);
  const codes = NATIONAL_CODES[country] ?? { bank: [0, 4] };
  return {
    bank_code: bban.slice(...codes.bank),
    branch_code: codes.branch ? bban.slice(...codes.branch) : '',
    country,
    fingerprint: createHash('sha256').update(`durapay-sandbox-iban:${iban}`).digest('base64url').slice(0, 16),
    last4: iban.slice(-4),
  };
}
