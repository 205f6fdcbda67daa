import { randomChars } from '../shared/random-chars';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumerics, like the tail of a Stripe id. */
export function randomAlphanumeric(length: number): string {
  return randomChars(ALPHANUMERIC, length);
}

/** Stripe-style id: prefix + '_' + 24 alphanumerics (e.g. pi_3Nx...). */
export function newId(prefix: 'pi' | 'ch' | 're' | 'evt' | 'pm' | 'req' | 'cus' | 'seti' | 'mandate' | 'dp'): string {
  return `${prefix}_${randomAlphanumeric(24)}`;
}

/** Stripe timestamps are unix seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
