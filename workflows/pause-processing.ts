import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PauseProcessingInput } from './risk-definitions';

const storage = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '30 seconds' } });

/** Pauses new payments in a scope and alerts the admins; one run per pause request. */
export async function pauseProcessing(input: PauseProcessingInput) {
  return storage.startProcessingPause(input);
}
