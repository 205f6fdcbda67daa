import Stripe from 'stripe';
import { ProviderRateLimitError, ProviderRequestError } from '../types';

/** Retry-After in seconds (Stripe sends seconds; an HTTP date is honoured too); null when absent or unreadable. */
export function retryAfterSeconds(value: unknown, now = Date.now()): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Invalid requests will fail the same way every time; a 429 carries Stripe's delay; anything else is worth retrying. */
export function translateError(error: unknown): unknown {
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    const headers = (error.headers ?? {}) as Record<string, unknown>;
    return new ProviderRateLimitError(`Stripe: ${error.message}`, retryAfterSeconds(headers['retry-after']));
  }
  if (
    error instanceof Stripe.errors.StripeInvalidRequestError ||
    error instanceof Stripe.errors.StripeIdempotencyError ||
    error instanceof Stripe.errors.StripeCardError
  ) {
    return new ProviderRequestError(error.message, error.code ?? error.type, error.param ?? null);
  }
  return error;
}

/** Runs one Stripe call, turning refusals into ProviderRequestError. */
export async function callStripe<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateError(error);
  }
}
