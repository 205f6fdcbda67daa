import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Event } from './generated';

/*
 * Durapay-Signature: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, one v1 per active secret (two while a
 * rotated secret overlaps the new one). The engine signs with signatureHeader; receivers verify with
 * verifyDurapayWebhook, which is all a merchant's handler needs.
 */

export class DurapaySignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurapaySignatureError';
  }
}

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export function signatureHeader(body: string, secrets: readonly string[], timestamp = Math.floor(Date.now() / 1000)): string {
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmacHex(secret, timestamp, body)}`)].join(',');
}

export interface VerifyOptions {
  /** Refuse signatures older (or newer) than this, against replays; default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds; default now. */
  now?: number;
}

/**
 * Checks the Durapay-Signature header against the raw request body (exactly the bytes received) and returns the
 * parsed event. Throws DurapaySignatureError when the header is missing, stale, or matches no v1.
 */
export function verifyDurapayWebhook(
  rawBody: string | Buffer,
  header: string | string[] | null | undefined,
  secret: string,
  options: VerifyOptions = {},
): Event {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) throw new DurapaySignatureError('No Durapay-Signature header');
  const parts = value.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts.filter(([key, sig]) => key === 'v1' && sig).map(([, sig]) => sig);
  if (!Number.isInteger(timestamp) || signatures.length === 0) throw new DurapaySignatureError('Malformed Durapay-Signature header');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) throw new DurapaySignatureError('Durapay-Signature timestamp outside the tolerance');
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((sig) => {
    const given = Buffer.from(sig, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new DurapaySignatureError('No Durapay-Signature v1 matches this secret');
  return JSON.parse(rawBody.toString()) as Event;
}
