import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** PayPal's tokens last 9 hours. */
export const TOKEN_LIFETIME_SECONDS = 32_400;

/*
 * Tokens carry their expiry and an HMAC under the client secret, so they outlive a sandbox restart
 * (the SDK keeps a token for its whole lifetime) without being stored.
 */
function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function issueAccessToken(clientSecret: string, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const payload = `${nowSeconds + TOKEN_LIFETIME_SECONDS}.${randomBytes(9).toString('base64url')}`;
  return `A21AA.${payload}.${mac(clientSecret, payload).toString('base64url')}`;
}

export function isValidAccessToken(clientSecret: string, token: string): boolean {
  const match = /^A21AA\.(\d+\.[\w-]+)\.([\w-]+)$/.exec(token);
  if (!match) return false;
  const [, payload, signature] = match;
  const expected = mac(clientSecret, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  return Number(payload.split('.')[0]) > Date.now() / 1000;
}

/** Client id and secret from `Authorization: Basic base64(id:secret)`, or null. */
export function basicCredentials(header: string): { id: string; secret: string } | null {
  if (!header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Constant-time string comparison for credentials. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
