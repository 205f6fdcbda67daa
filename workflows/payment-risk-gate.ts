import { condition, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { QUICK_LOCAL_READ, STORAGE } from './activity-options';
import type { Payment } from '../domain/payment';
import { assessRisk, BLOCKED_BY_RISK_RULES, providerRiskFinding, type RiskAssessment } from '../domain/risk';
import { capabilitiesOf } from '../providers/capabilities';
import { RISK_REVIEW } from './search-attributes';
import { domainError } from './workflow-errors';
import type { PaymentRecorder } from './payment-recorder';
import { type ReviewRequest, reviewUpdate, type PaymentRiskInput } from './risk-definitions';

// A short read of the database (and of the provider's card fingerprint): local, so it costs no extra workflow task.
const riskFacts = proxyLocalActivities<Activities>(QUICK_LOCAL_READ);
const riskReviews = proxyActivities<Activities>(STORAGE);

/** A merchant's cancel that arrives while the payment waits for its review. */
export interface HeldCancel {
  actor: string;
  reason?: string;
  done: boolean;
}

interface PendingReview {
  request: ReviewRequest;
  done: boolean;
}

export type GateVerdict = 'proceed' | 'stopped';

/**
 * Risk review of one payment, before any provider call: rules decide allow, review (a person decides, durably) or
 * block; after the provider's answer, its own risk verdict opens a review too. State and handlers live here so the
 * payment workflow only asks "may I go on?".
 */
export class PaymentRiskGate {
  private pending: PendingReview | null = null;
  private reviewId: string | null = null;

  constructor(
    private readonly recorder: PaymentRecorder,
    private readonly input: PaymentRiskInput,
  ) {
    // ---- Handlers ----
    setHandler(
      reviewUpdate,
      async (request) => {
        const pending: PendingReview = { request, done: false };
        this.pending = pending;
        await condition(() => pending.done);
        return this.recorder.payment;
      },
      { validator: (request) => this.validate(request) },
    );
  }

  private validate(request: ReviewRequest): void {
    if (this.recorder.payment.status !== 'requires_review' || this.pending !== null) {
      throw domainError({ kind: 'state_conflict', code: 'payment_unexpected_state', message: `This payment is not waiting for a review: its status is ${this.recorder.payment.status}.` });
    }
    if (request.decision === 'block' && !request.reason?.trim()) {
      throw domainError({ kind: 'invalid_input', code: 'parameter_missing', param: 'reason', message: 'Blocking a payment needs a reason.' });
    }
  }

  // ---- Main logic ----

  /** Assesses the payment; the history's first lines say what the rules saw. */
  async assess(paymentMethodType: string): Promise<RiskAssessment> {
    const payment = this.recorder.payment;
    const found = await riskFacts.gatherRiskFacts({
      paymentId: payment.id, provider: payment.provider, customerId: payment.customer_id, receiptEmail: payment.receipt_email,
      providerMethodId: payment.payment_method, paymentMethodType, payerIp: this.input.payerIp,
    });
    return assessRisk({ ...found, amount: payment.amount, currency: payment.currency, customerId: payment.customer_id }, this.input.settings);
  }

  /**
   * Acts on the assessment. Block: canceled now. Review: held (the caller is answered with requires_review) until an
   * admin decides, the merchant cancels, or the review expires. Returns whether the payment may go to the provider.
   */
  async enforce(assessment: RiskAssessment, hooks: { answerCaller: () => void; takeCancel: () => HeldCancel | undefined; hasCancel: () => boolean }): Promise<GateVerdict> {
    if (assessment.outcome === 'allow') return 'proceed';
    const data = { outcome: assessment.outcome, findings: assessment.findings };
    if (assessment.outcome === 'block') {
      await this.stop({ type: 'risk.blocked', actor: 'risk:rules', data, reason: 'The payment matches a block list or a flagged customer.' });
      await riskReviews.noteBlockedPayment({ paymentId: this.recorder.payment.id, findings: assessment.findings });
      return 'stopped';
    }
    const expiresAt = Date.now() + this.input.settings.reviewExpiryHours * 3600_000;
    const held: Payment = { ...this.recorder.payment, status: 'requires_review', updated_at: new Date().toISOString() };
    await this.recorder.save([this.recorder.transition(held, { type: 'risk.review_opened', source: 'workflow', actor: 'risk:rules', data })]);
    const review = await riskReviews.openRiskReview({
      paymentId: held.id, kind: 'pre_provider', findings: assessment.findings, expiresAt: new Date(expiresAt).toISOString(),
      amount: held.amount, currency: held.currency,
    });
    this.reviewId = review.id;
    upsertSearchAttributes([{ key: RISK_REVIEW, value: 'open' }]);
    hooks.answerCaller();

    await condition(() => this.pending !== null || hooks.hasCancel(), Math.max(1, expiresAt - Date.now()));
    const cancel = hooks.takeCancel();
    if (cancel) {
      await this.close('canceled', cancel.actor, cancel.reason ?? 'canceled by the merchant');
      const canceled: Payment = { ...this.recorder.payment, status: 'canceled', updated_at: new Date().toISOString() };
      await this.recorder.save([this.recorder.transition(canceled, { type: 'status_changed', source: 'api', actor: cancel.actor, data: { step: 'cancel', reason: cancel.reason ?? null } })]);
      cancel.done = true;
      return 'stopped';
    }
    if (!this.pending) {
      await this.close('expired', 'workflow:review_expiry', 'no decision in time');
      await this.stop({ type: 'risk.review_expired', actor: 'workflow:review_expiry', data: { review_id: this.reviewId }, reason: 'Nobody reviewed the payment in time.' });
      return 'stopped';
    }
    const { request } = this.pending;
    if (request.decision === 'block') {
      await this.close('blocked', request.actor, request.reason);
      await this.stop({ type: 'risk.review_blocked', actor: request.actor, data: { review_id: this.reviewId, reason: request.reason }, reason: request.reason ?? 'Blocked by a reviewer.', source: 'api' });
      this.finish();
      return 'stopped';
    }
    await this.close('approved', request.actor, request.reason);
    const approved: Payment = capabilitiesOf(this.recorder.payment.provider).settledBy === 'merchant'
      ? { ...this.recorder.payment, status: 'pending', updated_at: new Date().toISOString() }
      : this.recorder.payment;
    const line = { type: 'risk.review_approved', source: 'api' as const, actor: request.actor, data: { review_id: this.reviewId, reason: request.reason } };
    await this.recorder.save([approved === this.recorder.payment ? line : this.recorder.transition(approved, line)]);
    return 'proceed';
  }

  /** The reviewer's request is answered once the payment has moved on (after the provider's answer, for approvals). */
  finish(): void {
    if (this.pending) this.pending.done = true;
  }

  /** After the provider has answered: its own risk verdict (Stripe Radar) opens a review of what it accepted. */
  async reviewProviderVerdict(riskLevel: string | null): Promise<void> {
    const finding = providerRiskFinding(riskLevel);
    const payment = this.recorder.payment;
    if (!finding || (payment.status !== 'succeeded' && payment.status !== 'requires_capture')) return;
    await this.recorder.save([{ type: 'risk.provider_flagged', source: 'workflow', actor: `${payment.provider}:risk`, data: { findings: [finding] } }]);
    await riskReviews.openRiskReview({ paymentId: payment.id, kind: 'provider_risk', findings: [finding], expiresAt: null, amount: payment.amount, currency: payment.currency });
    upsertSearchAttributes([{ key: RISK_REVIEW, value: 'open' }]);
  }

  private async close(status: 'approved' | 'blocked' | 'expired' | 'canceled', actor: string, reason: string | null): Promise<void> {
    if (!this.reviewId) return;
    await riskReviews.closeRiskReview({ id: this.reviewId, status, actor, reason });
    upsertSearchAttributes([{ key: RISK_REVIEW, value: status }]);
  }

  private async stop(line: { type: string; actor: string; data: Record<string, unknown>; reason: string; source?: 'workflow' | 'api' }): Promise<void> {
    const canceled: Payment = {
      ...this.recorder.payment, status: 'canceled', next_action: null, client_secret: null,
      failure_code: BLOCKED_BY_RISK_RULES, failure_message: line.reason,
      failure_details: { provider_code: null, provider_decline_code: null, provider_message: null },
      updated_at: new Date().toISOString(),
    };
    await this.recorder.save([this.recorder.transition(canceled, { type: line.type, source: line.source ?? 'workflow', actor: line.actor, data: line.data })]);
  }
}
