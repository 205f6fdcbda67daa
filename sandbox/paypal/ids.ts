import { randomBytes, randomUUID } from 'node:crypto';
import { randomChars } from '../shared/random-chars';

const UPPER_ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Orders, captures and refunds: 17 uppercase alphanumerics, like 5O190127TN364715T. */
export function newPayPalId(): string {
  return randomChars(UPPER_ALPHANUMERIC, 17);
}

/** PayPal's payer ids are 13 uppercase alphanumerics. */
export function newPayerId(): string {
  return randomChars(UPPER_ALPHANUMERIC, 13);
}

/** Webhook event ids look like WH-2WR32451HC0233532-67976317FL4543714. */
export function newEventId(): string {
  return `WH-${randomChars(UPPER_ALPHANUMERIC, 17)}-${randomChars(UPPER_ALPHANUMERIC, 17)}`;
}

/** The correlation id PayPal puts in every error answer and Paypal-Debug-Id header. */
export function newDebugId(): string {
  return randomBytes(7).toString('hex').slice(0, 13);
}

export function newTransmissionId(): string {
  return randomUUID();
}

/** PayPal timestamps are ISO 8601 in UTC without milliseconds. */
export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
