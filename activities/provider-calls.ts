import { ApplicationFailure } from '@temporalio/common';
import { ProviderRequestError } from '../providers/types';

/** The failure type workflows see when a provider refuses a request as invalid. */
export const PROVIDER_REQUEST_FAILURE = 'ProviderRequestError';

/** Provider refusals are final; everything else (network, 5xx) is retried by Temporal with the same idempotency key. */
export async function callProvider<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ProviderRequestError) {
      throw ApplicationFailure.create({
        type: PROVIDER_REQUEST_FAILURE,
        message: error.message,
        nonRetryable: true,
        details: [{ code: error.code, param: error.param }],
      });
    }
    throw error;
  }
}
