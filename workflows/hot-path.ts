import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { PROVIDER_CALL, STORAGE } from './activity-options';
import type { PaymentChanges } from './payment-changes';

/**
 * The steps between a payment request and its answer run as local activities: the worker runs them inside the
 * workflow task and records only a marker, instead of a round trip through the server per step (schedule, poll,
 * complete, new workflow task). Correct here because each step is idempotent and short: payment writes are
 * version-guarded and dedupe-keyed, and the provider call carries an idempotency key derived from the payment id.
 * A step that outlasts the workflow task timeout keeps its task alive by heartbeat; a retry backing off beyond a
 * minute waits on a durable timer. Histories recorded before this replay with regular activities.
 *
 * Nothing after the answer may let the workflow complete inside its first task: webhook signals arriving meanwhile
 * fail that task (UnhandledCommand) and with it the waiting update-with-start, so POST /v1/payments would answer 503.
 * (Measured: the outcome email's contact lookup as a local activity did exactly that; it stays a regular activity.)
 */
export const LOCAL_HOT_PATH_PATCH = 'local-hot-path';

/**
 * The save of the provider's answer to an attempt (what the caller waits for) leaves its bookkeeping (ledger, merchant
 * events, invoice) to a regular activity that runs once the answer is out: P3. Histories from before booked inline.
 * Histories with the consolidated patch (payment-changes.ts) leave the payment.created save's bookkeeping too.
 */
export const BOOK_AFTER_ANSWER_PATCH = 'book-after-answer';

export function usesLocalHotPath(changes: PaymentChanges): boolean {
  return changes.has(LOCAL_HOT_PATH_PATCH);
}

const regularWrites = proxyActivities<Activities>(STORAGE);
const localWrites = proxyLocalActivities<Activities>(STORAGE);

/** savePayment and claimPaymentAttempt, local unless replaying a history from before. */
export function paymentWrites(changes: PaymentChanges): Pick<Activities, 'savePayment' | 'claimPaymentAttempt'> {
  return usesLocalHotPath(changes) ? localWrites : regularWrites;
}

const regularProvider = proxyActivities<Activities>(PROVIDER_CALL);
const localProvider = proxyLocalActivities<Activities>(PROVIDER_CALL);

/** Creating the payment at the provider: the call the API's answer waits for. */
export function providerCreate(changes: PaymentChanges): Activities['createProviderPayment'] {
  return (usesLocalHotPath(changes) ? localProvider : regularProvider).createProviderPayment;
}
