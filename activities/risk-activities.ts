import { createHash } from 'node:crypto';
import { type AutoPauseSettings, autoPauseTrigger, type PauseScope, type RiskFinding, type ReviewStatus } from '../domain/risk';
import type { Database } from '../platform/database';
import type { ProviderRegistry } from '../providers/registry';
import type { AlertRequest } from './alert-activities';
import { closeReview, countRecentAttacks, loadRiskFacts, openReview, type RiskReviewRow, setCustomerFlag, startPause } from './risk-store';

export interface RiskActivityDependencies {
  db: Database;
  providers: ProviderRegistry;
  raiseAlert: (request: AlertRequest) => Promise<unknown>;
  autoPause: AutoPauseSettings;
}

export interface RiskFactsRequest {
  paymentId: string;
  provider: string;
  customerId: string | null;
  receiptEmail: string | null;
  /** The provider's method id (pm_...), when the payment has one: its card fingerprint is looked up. */
  providerMethodId: string | null;
  paymentMethodType: string;
  payerIp: string | null;
}

/** The window an automatic pause belongs to, so each window pauses (and alerts) at most once. */
function windowKey(windowMinutes: number): string {
  const size = windowMinutes * 60_000;
  return new Date(Math.floor(Date.now() / size) * size).toISOString();
}

/** Pauses all processing when attacks show in the current window; shared by blocked payments and rejected webhooks. */
export async function pauseIfUnderAttack(deps: Pick<RiskActivityDependencies, 'db' | 'raiseAlert' | 'autoPause'>): Promise<boolean> {
  const { db, autoPause } = deps;
  if (autoPause.rejectedWebhooks === 0 && autoPause.blockedAttempts === 0) return false;
  const trigger = autoPauseTrigger(await countRecentAttacks(db, autoPause.windowMinutes), autoPause);
  if (!trigger) return false;
  const window = windowKey(autoPause.windowMinutes);
  const id = `pau_${createHash('sha256').update(`auto:${window}`).digest('hex').slice(0, 24)}`;
  const reason = `${trigger.count} ${trigger.kind.replace('_', ' ')} in ${autoPause.windowMinutes} minutes (threshold ${trigger.threshold})`;
  const { started } = await startPause(db, { id, scope: 'all', reason, actor: 'risk:auto_pause' });
  await deps.raiseAlert({
    dedupeKey: `auto_pause:${window}`, kind: 'processing_paused', severity: 'critical',
    message: `New payments are paused automatically: ${reason}. Resume with POST /v1/admin/resume once it is safe.`,
    data: { scope: 'all', trigger: trigger.kind, count: trigger.count, threshold: trigger.threshold, window_minutes: autoPause.windowMinutes },
  });
  return started;
}

export function createRiskActivities(deps: RiskActivityDependencies) {
  const { db, providers } = deps;
  return {
    /** Everything the risk rules need, read before any provider call that could move money. */
    async gatherRiskFacts(request: RiskFactsRequest) {
      const provider = providers[request.provider];
      const cardFingerprint = async () => {
        if (request.paymentMethodType !== 'card' || !request.providerMethodId || !provider?.cardFingerprint || !provider.isConfigured()) return null;
        // An unknown method is the provider's to refuse on creation; here it only means no fingerprint to match.
        return provider.cardFingerprint(request.providerMethodId).catch(() => null);
      };
      return loadRiskFacts(db, { paymentId: request.paymentId, customerId: request.customerId, email: request.receiptEmail, payerIp: request.payerIp }, cardFingerprint);
    },

    async openRiskReview(input: { paymentId: string; kind: RiskReviewRow['kind']; findings: RiskFinding[]; expiresAt: string | null; amount: number; currency: string }) {
      const review = await openReview(db, input);
      const rules = input.findings.map((f) => f.rule).join(', ');
      await deps.raiseAlert({
        dedupeKey: `risk_review:${review.id}`, kind: 'payment_review', severity: 'warning',
        message: input.kind === 'pre_provider'
          ? `Payment ${input.paymentId} (${input.amount} ${input.currency}) is held for review (${rules}). Approve or block it with POST /v1/payments/${input.paymentId}/review.`
          : `The provider rates payment ${input.paymentId} as risky (${rules}). Review it, and confirm fraud if it is.`,
        data: { payment_id: input.paymentId, review_id: review.id, rules, expires_at: input.expiresAt },
      });
      return review;
    },

    async closeRiskReview(input: { id: string; status: Exclude<ReviewStatus, 'open'>; actor: string; reason: string | null }) {
      return closeReview(db, input);
    },

    /** A payment stopped by the rules: admins hear of it, and enough of them in a window pause processing. */
    async noteBlockedPayment(input: { paymentId: string; findings: RiskFinding[] }) {
      await deps.raiseAlert({
        dedupeKey: `risk_block:${input.paymentId}`, kind: 'payment_blocked', severity: 'warning',
        message: `Payment ${input.paymentId} was blocked by the risk rules (${input.findings.map((f) => f.rule).join(', ')}) before reaching any provider.`,
        data: { payment_id: input.paymentId, rules: input.findings.map((f) => f.rule).join(', ') },
      });
      return pauseIfUnderAttack(deps);
    },

    /** Records a pause (once per scope while in force) and alerts the admins. */
    async startProcessingPause(input: { pauseId: string; scope: PauseScope; reason: string; actor: string }) {
      const { pause, started } = await startPause(db, { id: input.pauseId, scope: input.scope, reason: input.reason, actor: input.actor });
      await deps.raiseAlert({
        dedupeKey: `pause:${pause.id}`, kind: 'processing_paused', severity: 'critical',
        message: `New payments (${pause.scope}) are paused by ${pause.started_by}: ${pause.reason}. Resume with POST /v1/admin/resume.`,
        data: { scope: pause.scope, reason: pause.reason, actor: pause.started_by },
      });
      return { id: String(pause.id), scope: String(pause.scope), started };
    },

    /** Confirmed fraud on a payment (a dispute lost as fraudulent): its customer, if it has one, may not pay again until cleared. */
    async flagPaymentCustomer(input: { paymentId: string; reason: string; actor: string }): Promise<string | null> {
      const payment = await db('payments').where({ id: input.paymentId }).first('customer_id');
      if (!payment?.customer_id) return null;
      await setCustomerFlag(db, payment.customer_id, { reason: input.reason, payment_id: input.paymentId, flagged_by: input.actor });
      return payment.customer_id as string;
    },
  };
}
