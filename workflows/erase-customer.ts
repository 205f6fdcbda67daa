import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROVIDER_CALL, STORAGE } from './activity-options';

// Erasure must finish even if a provider is down for a while: provider calls retry until they land.
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const storage = proxyActivities<Activities>(STORAGE);

/**
 * Right to erasure: detaches every saved method at its provider and deletes the provider's customer, scrubs the
 * engine's copies (outbox, raw webhooks, stored answers, events, alerts, mail files), then anonymizes personal data
 * while keeping the financial records. Idempotent: the workflow id derives from the customer id, and every step can run twice.
 */
export async function eraseCustomer(input: { customerId: string }): Promise<{ detached: number }> {
  const methods = await storage.listActiveMethods({ customerId: input.customerId });
  for (const method of methods) {
    await provider.detachAtProvider({ provider: method.provider, providerMethodId: method.providerMethodId });
    await storage.markMethodDetached({ methodId: method.id });
  }
  // Runs before anonymizing: finding the customer's copies needs its addresses. Older histories replay without it.
  if (patched('erase-customer-everywhere')) {
    await provider.deleteProviderCustomers({ customerId: input.customerId });
    await storage.scrubCustomerTraces({ customerId: input.customerId });
  }
  await storage.anonymizeCustomer({ customerId: input.customerId });
  return { detached: methods.length };
}
