import { randomBytes } from 'node:crypto';

/** `length` random characters of `alphabet`, for provider-looking ids. */
export function randomChars(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}
