import Stripe from 'stripe';

export interface StripeClientSettings {
  secretKey: string;
  /** Another host for the Stripe API: the local sandbox or stripe-mock. Unset in production. */
  apiBase?: string;
}

/**
 * Two tries of 10 s plus the SDK's retry delay (at most 2 s) stay under the 30 s activity timeout, so an activity
 * fails and is retried by Temporal instead of being abandoned mid-request (20 s × 3 tries did not).
 */
export const STRIPE_REQUEST_TIMEOUT_MS = 10_000;
export const STRIPE_RETRIES = 1;
export const STRIPE_MAX_RETRY_DELAY_MS = 2_000;
export const STRIPE_BUDGET_MS = STRIPE_REQUEST_TIMEOUT_MS * (STRIPE_RETRIES + 1) + STRIPE_MAX_RETRY_DELAY_MS * STRIPE_RETRIES;

export function createStripeClient({ secretKey, apiBase }: StripeClientSettings): Stripe {
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: STRIPE_RETRIES,
    timeout: STRIPE_REQUEST_TIMEOUT_MS,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}
