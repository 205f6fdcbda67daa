import Stripe from 'stripe';
import { ProviderRequestError } from '../types';

/** Invalid requests will fail the same way every time; anything else (network, 5xx, 429) is worth retrying. */
export function translateError(error: unknown): unknown {
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
