import Stripe from 'stripe';

export interface StripeClientSettings {
  secretKey: string;
  /** Another host for the Stripe API: the local sandbox or stripe-mock. Unset in production. */
  apiBase?: string;
}

export function createStripeClient({ secretKey, apiBase }: StripeClientSettings): Stripe {
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
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
