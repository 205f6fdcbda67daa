import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { SaveMethodRequest } from '../activities/vault-activities';
import { CALLER_WAITS } from './activity-options';

// The API waits for this workflow: every step gets a few tries, then the caller hears the failure.
const provider = proxyActivities<Activities>(CALLER_WAITS);
const storage = proxyActivities<Activities>(CALLER_WAITS);

/** Saves a card token or a SEPA mandate at the provider and keeps only its tokens; the workflow id is the method id. */
export async function savePaymentMethod(request: SaveMethodRequest): Promise<void> {
  const providerCustomerId = await provider.ensureProviderCustomer({ customerId: request.customerId, provider: request.provider });
  const details = await provider.saveMethodAtProvider({ ...request, providerCustomerId });
  await storage.recordSavedMethod({ request, providerCustomerId, details });
}
