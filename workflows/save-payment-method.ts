import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SaveMethodRequest } from '../activities/vault-activities';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['ProviderRequestError'] },
});

/** Saves a card token or a SEPA mandate at the provider and keeps only its tokens; the workflow id is the method id. */
export async function savePaymentMethod(request: SaveMethodRequest): Promise<void> {
  const providerCustomerId = await acts.ensureProviderCustomer({ customerId: request.customerId, provider: request.provider });
  const details = await acts.saveMethodAtProvider({ ...request, providerCustomerId });
  await acts.recordSavedMethod({ request, providerCustomerId, details });
}
