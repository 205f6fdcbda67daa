import type { DurapayConfig } from '../platform/config';
import { createStripeClient } from './stripe/stripe-client';
import { StripeProvider } from './stripe/stripe-provider';
import type { PaymentProvider } from './types';

export type ProviderRegistry = Readonly<Record<string, PaymentProvider>>;

export function createProviders(config: { stripe: Pick<DurapayConfig['stripe'], 'secretKey' | 'webhookSecret' | 'apiBase'> }): ProviderRegistry {
  const { secretKey, webhookSecret, apiBase } = config.stripe;
  const stripe = secretKey ? createStripeClient({ secretKey, apiBase }) : null;
  const stripeMode = !apiBase && secretKey?.includes('_live_') ? 'live' : 'sandbox';
  return { stripe: new StripeProvider(stripe, webhookSecret ?? null, { mode: stripeMode, baseUrl: apiBase ?? null }) };
}

export function providerNamed(providers: ProviderRegistry, name: string): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw new Error(`Unknown payment provider: ${name}`);
  return provider;
}
