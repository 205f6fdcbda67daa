import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { BareActivities } from './bare-activities';

/** The answer comes back the way Durapay's does: update-with-start, the update waiting for the provider's answer. */
export const resultUpdate = defineUpdate<string>('result');

const options = { startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } } as const;
const regular = proxyActivities<BareActivities>(options);
const local = proxyLocalActivities<BareActivities>(options);

async function pay(steps: BareActivities, id: string): Promise<string> {
  const outcome: { status?: string } = {};
  setHandler(resultUpdate, async () => {
    await condition(() => outcome.status !== undefined);
    return outcome.status!;
  });
  await steps.insertPayment(id);
  outcome.status = await steps.chargeAtSandbox(id);
  await steps.updatePayment(id, outcome.status);
  return outcome.status;
}

/** Insert → sandbox create+confirm → update, each step a regular activity. */
export async function barePayment(id: string): Promise<string> {
  return pay(regular, id);
}

/** The same three steps as local activities: run by the worker within the workflow task, no task round trips. */
export async function bareLocalPayment(id: string): Promise<string> {
  return pay(local, id);
}
