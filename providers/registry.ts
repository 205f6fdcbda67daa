import { ApplicationFailure } from '@temporalio/common';
import type { DurapayConfig } from '../platform/config';
import { UNKNOWN_PROVIDER_FAILURE } from './capabilities';
import { createPayPalApi, createPayPalClient } from './paypal/paypal-client';
import { PayPalProvider } from './paypal/paypal-provider';
import { createStripeClient } from './stripe/stripe-client';
import { StripeProvider } from './stripe/stripe-provider';
import type { PaymentProvider } from './types';

export type ProviderRegistry = Readonly<Record<string, PaymentProvider>>;

type PayPalSettings = Pick<DurapayConfig['paypal'], 'clientId' | 'clientSecret' | 'webhookId' | 'mode' | 'apiBase' | 'certHosts'>;

export function createProviders(config: {
  stripe: Pick<DurapayConfig['stripe'], 'secretKey' | 'webhookSecret' | 'apiBase'>;
  /** Without PayPal settings (or credentials) the PayPal provider exists but is disabled. */
  paypal?: PayPalSettings;
}): ProviderRegistry {
  const { secretKey, webhookSecret, apiBase } = config.stripe;
  const stripe = secretKey ? createStripeClient({ secretKey, apiBase }) : null;
  const stripeMode = !apiBase && secretKey?.includes('_live_') ? 'live' : 'sandbox';
  return {
    stripe: new StripeProvider(stripe, webhookSecret ?? null, { mode: stripeMode, baseUrl: apiBase ?? null }),
    paypal: createPayPalProvider(config.paypal),
  };
}

/** An apiBase means the local sandbox: sandbox mode, a URL-rewriting client, and the sandbox may serve certificates. */
export function createPayPalProvider(settings: PayPalSettings | undefined): PayPalProvider {
  const { clientId, clientSecret, webhookId, apiBase, certHosts = [] } = settings ?? { certHosts: [] };
  const mode = apiBase ? 'sandbox' : (settings?.mode ?? 'sandbox');
  const api = clientId && clientSecret ? createPayPalApi(createPayPalClient({ clientId, clientSecret, mode, apiBase })) : null;
  return new PayPalProvider(api, {
    mode,
    baseUrl: apiBase ?? null,
    webhookId: webhookId ?? null,
    certHosts: apiBase ? [...certHosts, new URL(apiBase).hostname] : certHosts,
    // Configured for the local sandbox: its CA is trusted, fetched from it once (the operator chose this host).
    trustAnchors: apiBase ? sandboxCertificateAuthority(apiBase) : undefined,
  });
}

function sandboxCertificateAuthority(apiBase: string): () => Promise<string[]> {
  let loading: Promise<string[]> | null = null;
  return () => {
    loading ??= fetch(new URL('/_sandbox/certs/ca.pem', apiBase), { signal: AbortSignal.timeout(10_000) })
      .then(async (response) => (response.ok ? [await response.text()] : []))
      .catch(() => []);
    const current = loading;
    // Nothing learned: ask again next time.
    void current.then((anchors) => {
      if (anchors.length === 0 && loading === current) loading = null;
    });
    return current;
  };
}

/** An unknown provider stays unknown: the activity asking for it fails for good instead of retrying for ever. */
export function providerNamed(providers: ProviderRegistry, name: string): PaymentProvider {
  const provider = providers[name];
  if (!provider) throw ApplicationFailure.create({ type: UNKNOWN_PROVIDER_FAILURE, message: `Unknown payment provider: ${name}`, nonRetryable: true });
  return provider;
}
