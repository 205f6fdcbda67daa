import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { STORAGE } from './activity-options';
import type { PauseProcessingInput } from './risk-definitions';

const storage = proxyActivities<Activities>(STORAGE);

/** Pauses new payments in a scope and alerts the admins; one run per pause request. */
export async function pauseProcessing(input: PauseProcessingInput) {
  return storage.startProcessingPause(input);
}
