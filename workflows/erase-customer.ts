import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROVIDER_CALL, STORAGE } from './activity-options';

// Erasure must finish even if a provider is down for a while: provider calls retry until they land.
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const storage = proxyActivities<Activities>(STORAGE);

/**
 * Right to erasure: detaches every saved method at its provider, then anonymizes personal data while keeping the
 * financial records. Idempotent: the workflow id derives from the customer id, and every step can run twice.
 */
export async function eraseCustomer(input: { customerId: string }): Promise<{ detached: number }> {
  const methods = await storage.listActiveMethods({ customerId: input.customerId });
  for (const method of methods) {
    await provider.detachAtProvider({ provider: method.provider, providerMethodId: method.providerMethodId });
    await storage.markMethodDetached({ methodId: method.id });
  }
  await storage.anonymizeCustomer({ customerId: input.customerId });
  return { detached: methods.length };
}
