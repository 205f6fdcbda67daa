import { customAlphabet } from 'nanoid';

const randomPart = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 24);

/** Stripe-style prefixed ids: pay_..., re_... */
export function newId(prefix: string): string {
  return `${prefix}_${randomPart()}`;
}

/** The random part of an id, for one reserved before its prefix is known. */
export function newIdSuffix(): string {
  return randomPart();
}
