import type { ProviderRegistry } from '../../providers/registry';
import type { ProviderLink } from '../../providers/types';

export interface TemporalUi {
  url: string;
  namespace: string;
}

export type ExternalLink = ProviderLink;

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
    if (!providerPaymentId) return null;
    return this.providers[provider]?.paymentLink?.(providerPaymentId) ?? null;
  }
}
