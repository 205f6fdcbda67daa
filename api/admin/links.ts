import type { ProviderRegistry } from '../../providers/registry';

export interface TemporalUi {
  url: string;
  namespace: string;
}

export interface ExternalLink {
  href: string;
  label: string;
  note?: string;
}

/** Where an admin looks beyond the console: the workflow in the Temporal UI, the payment at its provider. */
export class ConsoleLinks {
  constructor(
    private readonly temporalUi: TemporalUi | null,
    private readonly providers: ProviderRegistry,
  ) {}

  workflow(workflowId: string): ExternalLink | null {
    if (!this.temporalUi) return null;
    const { url, namespace } = this.temporalUi;
    return { href: `${url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`, label: 'Workflow in the Temporal UI' };
  }

  /** Every workflow that touched the payment (its refunds, disputes, late events), by search attribute. */
  paymentWorkflows(paymentId: string): ExternalLink | null {
    if (!this.temporalUi) return null;
    const { url, namespace } = this.temporalUi;
    const query = encodeURIComponent(`DurapayPaymentId = "${paymentId}"`);
    return { href: `${url.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${query}`, label: 'All its workflows in the Temporal UI' };
  }

  /** The payment at its provider: the dashboard, or the local sandbox's record of it (like disputes' provider_url). */
  providerPayment(provider: string, providerPaymentId: string | null): ExternalLink | null {
    const adapter = this.providers[provider];
    if (!adapter || !providerPaymentId) return null;
    const id = encodeURIComponent(providerPaymentId);
    const sandboxNote = 'the local sandbox API: it asks for the sandbox key (any sk_test_…)';
    if (provider === 'stripe') {
      return adapter.baseUrl
        ? { href: `${adapter.baseUrl.replace(/\/+$/, '')}/v1/payment_intents/${id}`, label: 'PaymentIntent in the Stripe sandbox', note: sandboxNote }
        : { href: `https://dashboard.stripe.com/${adapter.mode === 'live' ? '' : 'test/'}payments/${id}`, label: 'Payment in the Stripe dashboard' };
    }
    if (provider === 'paypal') {
      return adapter.baseUrl
        ? { href: `${adapter.baseUrl.replace(/\/+$/, '')}/v2/checkout/orders/${id}`, label: 'Order in the PayPal sandbox', note: 'the local sandbox API: it asks for a PayPal access token' }
        : { href: `https://www.${adapter.mode === 'live' ? '' : 'sandbox.'}paypal.com/unifiedtransactions`, label: 'PayPal activity', note: `search for order ${providerPaymentId}` };
    }
    return null;
  }
}
