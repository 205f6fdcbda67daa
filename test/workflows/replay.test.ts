import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { HISTORY_DIR } from '../support/histories';
import { testEnv } from '../support/test-env';

/** Histories recorded from real runs must replay against today's workflow code without a determinism error. */
const fixtures = fs.existsSync(HISTORY_DIR) ? fs.readdirSync(HISTORY_DIR).filter((file) => file.endsWith('.json')).sort() : [];

describe('replaying recorded workflow histories', () => {
  it('has fixtures for every recorded scenario', () => {
    expect(fixtures).toEqual(expect.arrayContaining([
      'take-payment-succeeded.json',
      'take-payment-declined.json',
      'take-payment-3ds-approved.json',
      'take-payment-manual-capture.json',
      'take-payment-polled.json',
      'take-payment-authorization-expired.json',
      'take-payment-duplicate-webhooks.json',
      'record-late-provider-event.json',
      // Recorded before payment emails existed: guards the patched() path.
      'take-payment-succeeded-before-emails.json',
      'refund-payment-approved.json',
      'refund-payment-denied-appealed.json',
      'refund-payment-alternative-method.json',
      'refund-payment-expired.json',
      'take-payment-paypal-approved.json',
      'take-payment-sepa-succeeded.json',
      'take-payment-bank-transfer-paid.json',
      'take-payment-bank-transfer-expired.json',
      // A new run for a manual retry (three attempts), and one run with an automatic retry on a timer.
      'take-payment-retried.json',
      'take-payment-auto-retried.json',
      'sync-provider-payments-repaired.json',
      'sync-provider-payments-corrected.json',
      'handle-dispute-won.json',
      'handle-dispute-lost.json',
      // Two 500s then a 200: three attempts with durable timers between them.
      'deliver-webhook-retried.json',
      // A copy of an invoice emailed on request, its PDF attached.
      'send-document-email.json',
      // The same with attempts as local activities (patch webhook-attempt-local).
      'deliver-webhook-retried-local.json',
      // The same with attempts on a task queue of their own (patch webhook-attempt-own-queue).
      'deliver-webhook-retried-own-queue.json',
      // Risk review: held then approved, held then blocked, held until it lapsed, blocked by a list.
      'take-payment-review-approved.json',
      'take-payment-review-blocked.json',
      'take-payment-review-expired.json',
      'take-payment-risk-blocked.json',
      'reconcile-ledger-difference.json',
      // Payment writes and the provider call as local activities (patch local-hot-path).
      'take-payment-succeeded-local-hot-path.json',
      'take-payment-3ds-approved-local-hot-path.json',
      'take-payment-declined-local-hot-path.json',
      // Refund steps by Update with validators, and an operator's signal that broke a rule (patch refund-step-rules).
      'refund-payment-approved-by-update.json',
      'refund-payment-denied-appealed-by-update.json',
      'refund-payment-alternative-method-by-update.json',
      'refund-payment-signal-ignored.json',
      // take-payment as a process object: every message drained before it closes (patch drain-all-before-close).
      'take-payment-succeeded-drained-before-close.json',
      'take-payment-manual-capture-drained-before-close.json',
      'take-payment-bank-transfer-paid-drained-before-close.json',
      'take-payment-paypal-approved-drained-before-close.json',
      'take-payment-late-messages-drained.json',
      // Data lifecycle: the retention pass, and erasure reaching the provider and every copy (patch erase-customer-everywhere).
      'apply-retention.json',
      'erase-customer-everywhere.json',
      // A bank-transfer payment refunded by bank transfer, no provider asked (patch merchant-settled-refund-by-transfer).
      'refund-payment-bank-transfer-by-transfer.json',
      // A retry refused because the provider can't show the last attempt (patch retry-refused-unverified-attempt).
      'take-payment-retry-refused-unverified-attempt.json',
      // Refund steps taken while emails are still going out (patch refund-notifications-beside-steps).
      'refund-payment-steps-beside-emails.json',
    ]));
  });

  it.each(fixtures)('replays %s', async (file) => {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORY_DIR, file), 'utf8')));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().workflowBundle } }, history, path.basename(file, '.json')),
    ).resolves.toBeUndefined();
  });
});
