import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// A provider that is down for a while only delays the detach: it is retried until it lands.
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ProviderRequestError'] },
});

export async function detachPaymentMethod(input: { methodId: string; provider: string; providerMethodId: string }): Promise<void> {
  await acts.detachAtProvider({ provider: input.provider, providerMethodId: input.providerMethodId });
  await acts.markMethodDetached({ methodId: input.methodId });
}
