import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// Erasure must finish even if a provider is down for a while: provider calls retry until they land.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ProviderRequestError'] },
});

/**
 * Right to erasure: detaches every saved method at its provider, then anonymizes personal data while keeping the
 * financial records. Idempotent: the workflow id derives from the customer id, and every step can run twice.
 */
export async function eraseCustomer(input: { customerId: string }): Promise<{ detached: number }> {
  const methods = await acts.listActiveMethods({ customerId: input.customerId });
  for (const method of methods) {
    await acts.detachAtProvider({ provider: method.provider, providerMethodId: method.providerMethodId });
    await acts.markMethodDetached({ methodId: method.id });
  }
  await acts.anonymizeCustomer({ customerId: input.customerId });
  return { detached: methods.length };
}
