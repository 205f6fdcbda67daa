import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROVIDER_CALL, STORAGE } from './activity-options';

// A provider that is down for a while only delays the detach: it is retried until it lands.
const provider = proxyActivities<Activities>(PROVIDER_CALL);
const storage = proxyActivities<Activities>(STORAGE);

export async function detachPaymentMethod(input: { methodId: string; provider: string; providerMethodId: string }): Promise<void> {
  await provider.detachAtProvider({ provider: input.provider, providerMethodId: input.providerMethodId });
  await storage.markMethodDetached({ methodId: input.methodId });
}
