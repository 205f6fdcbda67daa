import { mergeProviderState, type EventSource, type Payment } from '../domain/payment';
import { attemptNumber, isEarlierAttempt } from '../domain/payment-retry';
import { judgeTransition } from '../domain/payment-status';
import {
  isCancelableProviderId, judgeProviderMoney, moneyMismatchAlert, type MoneyMismatchAlert, providerObjectProblem, providerVoidKey, VERIFIED_PAYMENT_STATUSES,
} from '../domain/provider-money';
import type { ProviderPaymentState } from '../domain/provider-types';
import type { ProviderEventSignal } from './definitions';
import type { EventDraft, PaymentRecorder } from './payment-recorder';
import { provider, raiseMoneyMismatch } from './payment-workflow-helpers';
import { providerRefusal } from './workflow-errors';

/**
 * What the provider says about the payment, from its answers, webhooks, sync signals and polls: applied when it moves
 * the payment forward, checked against the provider's own object when it is only a hint, recorded either way.
 */
export class ProviderObservations {
  private readonly seenEvents = new Set<string>();
  /** When the current attempt was authorized: an uncaptured authorization lapses from here. */
  authorizedAt: number | null = null;
  /** The provider's own risk verdict (Stripe Radar) on what it accepted. */
  riskLevel: string | null = null;

  constructor(private readonly recorder: PaymentRecorder) {}

  /** Applies an observed provider state if it moves the payment forward; otherwise describes why not. */
  observe(state: ProviderPaymentState, draft: Omit<EventDraft, 'type'>): EventDraft {
    const before = this.recorder.payment.status;
    const verdict = judgeTransition(before, state.status);
    const data = { ...draft.data, provider_status: state.providerStatus, observed_status: state.status };
    if (verdict.kind === 'ignore') {
      return { ...draft, type: 'provider_state.ignored', data: { ...data, reason: verdict.reason } };
    }
    const next = mergeProviderState(this.recorder.payment, state, new Date().toISOString());
    if (next.status === 'requires_capture') this.authorizedAt = Date.now();
    if (state.riskLevel) this.riskLevel = state.riskLevel;
    return this.recorder.transition(next, { ...draft, type: 'status_changed', data });
  }

  /**
   * A failed attempt is final at the provider too: its intent is canceled before the engine records `failed`, so no
   * later confirmation (the payer's browser with the old client_secret) can charge it. A refused cancel means the
   * provider moved on (say, the payer confirmed another card meanwhile): the provider's state is then the one to apply.
   * Histories recorded before this replay without the cancel.
   */
  async voidIfFailed(state: ProviderPaymentState): Promise<ProviderPaymentState> {
    const payment = this.recorder.payment;
    if (state.status !== 'failed' || judgeTransition(payment.status, 'failed').kind !== 'apply' || !isCancelableProviderId(state.providerPaymentId)) return state;
    if (!this.recorder.changes.has('void-failed-attempt')) return state;
    try {
      await provider.cancelProviderPayment({ provider: payment.provider, providerPaymentId: state.providerPaymentId, idempotencyKey: providerVoidKey(payment.id, attemptNumber(payment)) });
      return state;
    } catch (error) {
      if (!providerRefusal(error)) throw error;
      const now = await provider.getProviderPayment({ provider: payment.provider, providerPaymentId: state.providerPaymentId });
      return now.status === 'failed' || now.status === 'canceled' ? state : now;
    }
  }

  /**
   * A hint (webhook, sync signal) that the provider holds money the engine doesn't count: confirmed by reading the
   * provider, then a critical alert. Null when the fresh read shows nothing wrong.
   */
  async confirmedMismatch(hint: ProviderPaymentState, noticedBy: 'workflow' | 'retry', local: Payment = this.recorder.payment): Promise<MoneyMismatchAlert | null> {
    if (!judgeProviderMoney(local, hint)) return null;
    const fresh = await provider.getProviderPayment({ provider: hint.provider, providerPaymentId: hint.providerPaymentId });
    const reason = judgeProviderMoney(local, fresh);
    return reason ? moneyMismatchAlert(local, fresh, reason, noticedBy) : null;
  }

  /**
   * A webhook or sync signal is a hint: before it moves the payment to money taken or held, the provider's own object
   * is read and must be this payment's (id, amount, currency). Returns the state to observe, or the alert when it
   * doesn't match (then nothing changes). Histories recorded before this replay without the read.
   */
  private async verifyHint(hint: ProviderPaymentState): Promise<{ state: ProviderPaymentState; alert?: MoneyMismatchAlert }> {
    const payment = this.recorder.payment;
    const moves = (VERIFIED_PAYMENT_STATUSES as readonly string[]).includes(hint.status) && judgeTransition(payment.status, hint.status).kind === 'apply';
    if (!moves || !this.recorder.changes.has('verify-provider-object')) return { state: hint };
    const fresh = await provider.getProviderPayment({ provider: payment.provider, providerPaymentId: hint.providerPaymentId });
    const problem = providerObjectProblem({ id: payment.provider_payment_id, amount: payment.amount, currency: payment.currency }, { id: fresh.providerPaymentId, amount: fresh.amount, currency: fresh.currency });
    if (!problem) return { state: fresh };
    return {
      state: fresh,
      alert: {
        dedupeKey: `provider_object_mismatch:${payment.id}:${fresh.provider}:${fresh.providerPaymentId}`, kind: 'provider_money_mismatch', severity: 'critical',
        message: `A ${fresh.provider} event for payment ${payment.id} names ${fresh.providerPaymentId}, whose ${problem.field} is ${problem.actual} where the payment has ${problem.expected}: nothing was applied`,
        data: { payment_id: payment.id, reason: 'provider_object_mismatch', field: problem.field, expected: problem.expected, actual: problem.actual,
          provider: fresh.provider, provider_payment_id: fresh.providerPaymentId, provider_status: fresh.providerStatus, engine_status: payment.status },
      },
    };
  }

  /** Applies or records every event waiting in the inbox, a batch per save; duplicates and earlier attempts' news are recorded as ignored. */
  async applyEvents(inbox: ProviderEventSignal[]): Promise<void> {
    while (inbox.length > 0) {
      const batch = inbox.splice(0, inbox.length);
      const drafts: EventDraft[] = [];
      const alerts: MoneyMismatchAlert[] = [];
      for (const { event, source, webhookEventId } of batch) {
        const data = { provider_event_id: event.eventId, provider_event_type: event.type, webhook_event_id: webhookEventId };
        const draft = { source, actor: `${event.provider}:${source}`, data };
        if (this.seenEvents.has(event.eventId)) {
          drafts.push({ ...draft, type: 'provider_event.ignored', data: { ...data, reason: 'duplicate' } });
        } else if (!event.state) {
          this.seenEvents.add(event.eventId);
          drafts.push({ ...draft, type: 'provider_event.received' });
        } else if (isEarlierAttempt(this.recorder.payment, event.state.providerPaymentId)) {
          // A retried payment's earlier provider payment: its news (say, its decline) is not the current attempt's.
          this.seenEvents.add(event.eventId);
          drafts.push({ ...draft, type: 'provider_event.ignored', data: { ...data, reason: 'earlier_attempt', provider_status: event.state.providerStatus } });
          if (judgeProviderMoney(this.recorder.payment, event.state) && this.recorder.changes.has('provider-money-mismatch')) {
            const alert = await this.confirmedMismatch(event.state, 'workflow');
            if (alert) alerts.push(alert);
          }
        } else {
          this.seenEvents.add(event.eventId);
          const verified = await this.verifyHint(event.state);
          if (verified.alert) {
            alerts.push(verified.alert);
            drafts.push({ ...draft, type: 'provider_state.ignored', data: { ...data, reason: 'provider_object_mismatch', observed_status: event.state.status } });
            continue;
          }
          const observed = this.observe(await this.voidIfFailed(verified.state), draft);
          drafts.push(observed);
          if (observed.type === 'provider_state.ignored' && judgeProviderMoney(this.recorder.payment, event.state) && this.recorder.changes.has('provider-money-mismatch')) {
            const alert = await this.confirmedMismatch(event.state, 'workflow');
            if (alert) alerts.push(alert);
          }
        }
      }
      const processed = batch.map((signal) => signal.webhookEventId).filter((id): id is number => id !== null);
      for (const alert of alerts) drafts.push({ type: 'provider_money_mismatch', source: 'workflow', actor: 'workflow', data: alert.data });
      await this.recorder.save(drafts, processed);
      for (const alert of alerts) await raiseMoneyMismatch(alert);
    }
  }

  /** Reads the provider's payment and applies it; a poll that finds nothing new is not worth a history line. */
  async refresh(reason: string, source: EventSource = 'workflow'): Promise<void> {
    const providerPaymentId = this.recorder.payment.provider_payment_id;
    if (!providerPaymentId) return;
    const state = await this.voidIfFailed(await provider.getProviderPayment({ provider: this.recorder.payment.provider, providerPaymentId }));
    const draft = this.observe(state, { source, actor: 'workflow', data: { step: reason } });
    if (draft.type !== 'provider_state.ignored') await this.recorder.save([draft]);
  }
}
