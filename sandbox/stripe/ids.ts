import { randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumerics, like the tail of a Stripe id. */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[bytes[i] % ALPHANUMERIC.length];
  return out;
}

/** Stripe-style id: prefix + '_' + 24 alphanumerics (e.g. pi_3Nx...). */
export function newId(prefix: 'pi' | 'ch' | 're' | 'evt' | 'pm' | 'req' | 'cus' | 'seti' | 'mandate'): string {
  return `${prefix}_${randomAlphanumeric(24)}`;
}

/** Stripe timestamps are unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
