import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Named activity options, one per kind of work, so each workflow's proxies say what they touch and how they retry.
 * Proxies are named for the concern they touch: `storage` (PostgreSQL), `provider` (Stripe, PayPal),
 * `notification` (email and alerts), `listing` (long provider listings), `risk` (risk reviews).
 * Options are not part of a workflow's history: changing them never breaks replay; activity names and order do.
 */

/** Reads and writes of the engine's own tables: idempotent (versions, dedupe keys), so retried until they succeed. */
export const STORAGE = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies ActivityOptions & LocalActivityOptions;

/**
 * Calls to a payment provider: idempotency keys derive from ids, so retrying is safe; a provider's refusal
 * (ProviderRequestError) is an answer, not a fault, and is never retried.
 */
export const PROVIDER_CALL = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: ['ProviderRequestError'] },
} satisfies ActivityOptions & LocalActivityOptions;

/** Steps someone waits on (saving a card): a few tries, then the caller hears the failure. */
export const CALLER_WAITS = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['ProviderRequestError'] },
} satisfies ActivityOptions;

/** Emails and alerts: longer than the mailer's own connect and socket timeouts; dedupe keys make retries harmless. */
export const NOTIFICATION = {
  startToCloseTimeout: '90 seconds',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
} satisfies ActivityOptions;

/** Paging through a provider's listings: long, heartbeating its cursor so a retry resumes where it stopped. */
export const PROVIDER_LISTING = {
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
} satisfies ActivityOptions;

/** A whole-table comparison (the ledger against payments): minutes, a bounded number of tries. */
export const STORAGE_SCAN = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
} satisfies ActivityOptions;

/** A short read run as a local activity inside the workflow task (risk facts): seconds, not minutes. */
export const QUICK_LOCAL_READ = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
} satisfies LocalActivityOptions;

/**
 * Merchant endpoints answer when they like (up to the 10 s delivery timeout): their attempts run on a task queue of
 * their own, so slow endpoints take that queue's slots and never the workflow-task slots payments and refunds need.
 */
export function webhookAttemptsQueue(taskQueue: string): string {
  return `${taskQueue}-webhook-attempts`;
}

/** One HTTP delivery attempt to a merchant's endpoint; the workflow's own schedule spaces the attempts. */
export const WEBHOOK_ATTEMPT = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} satisfies ActivityOptions & LocalActivityOptions;
