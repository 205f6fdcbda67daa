import { ApplicationFailure, condition, patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { providerObjectProblem } from '../domain/provider-money';
import type { ProviderRefundState } from '../domain/provider-types';
import type { Refund } from '../domain/refund';
import { NOTIFICATION, PROVIDER_CALL } from './activity-options';
import type { ProviderRefundSignal } from './refund-definitions';

const provider = proxyActivities<Activities>(PROVIDER_CALL);
const notification = proxyActivities<Activities>(NOTIFICATION);

const FAILURE_REASONS: Record<string, string> = {
  expired_or_canceled_card: 'The card used for the payment has expired or been closed.',
  lost_or_stolen_card: 'The card used for the payment was reported lost or stolen.',
  unknown: 'The bank could not return the money to the original payment method.',
};

export interface ProviderRefundOutcome {
  /** The provider's last word on the refund; null when it refused to create one. */
  state: ProviderRefundState | null;
  failureMessage: string | null;
  refusalCode: string | null;
}

/**
 * Money back through the provider, keyed by the refund id so it happens once, then the provider's answer by webhook
 * or by polling. A webhook is a hint: the refund is counted as paid only as the provider's own object says, with this
 * refund's id, amount and currency (older histories skip the read).
 */
export async function refundAtProvider(context: {
  refund: Refund;
  payment: { provider: string; provider_payment_id: string | null };
  timing: { pollInitialSeconds: number; pollMaxSeconds: number };
  /** Webhook hints, filled by the workflow's signal handler. */
  providerEvents: ProviderRefundSignal[];
  markProcessing: (providerRefundId: string) => Promise<void>;
  /** The refund as the workflow holds it now (the processing save moves it on). */
  current: () => Refund;
}): Promise<ProviderRefundOutcome> {
  const { refund, payment } = context;
  let state: ProviderRefundState | null = null;
  try {
    state = await provider.createProviderRefund({
      provider: payment.provider, providerPaymentId: payment.provider_payment_id ?? '', refundId: refund.id,
      amount: refund.amount, reason: refund.reason, idempotencyKey: `${refund.id}:refund`,
    });
    await context.markProcessing(state.providerRefundId);
    state = await awaitProviderRefund(context, state);
    const failureMessage = state.status !== 'succeeded' ? (FAILURE_REASONS[state.failureReason ?? 'unknown'] ?? FAILURE_REASONS.unknown) : null;
    return { state, failureMessage, refusalCode: null };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (!(cause instanceof ApplicationFailure && cause.type === 'ProviderRequestError')) throw error;
    // A refusal while waiting keeps what the provider said last (its refund id goes into the history).
    return { state, failureMessage: cause.message, refusalCode: ((cause.details?.[0] ?? {}) as { code?: string }).code ?? null };
  }
}

async function awaitProviderRefund(context: Parameters<typeof refundAtProvider>[0], created: ProviderRefundState): Promise<ProviderRefundState> {
  const { payment, timing, providerEvents } = context;
  const seenEvents = new Set<string>();
  let current = created;
  let fromHint = false;
  let pollMs = timing.pollInitialSeconds * 1000;
  for (;;) {
    while (current.status === 'pending') {
      if (await condition(() => providerEvents.length > 0, pollMs)) {
        for (const { event } of providerEvents.splice(0, providerEvents.length)) {
          if (seenEvents.has(event.eventId)) continue;
          seenEvents.add(event.eventId);
          if (event.refund?.providerRefundId === current.providerRefundId && current.status === 'pending') {
            current = event.refund;
            fromHint = true;
          }
        }
      } else {
        current = await provider.getProviderRefund({ provider: payment.provider, providerRefundId: current.providerRefundId });
        fromHint = false;
        pollMs = Math.min(pollMs * 2, timing.pollMaxSeconds * 1000);
      }
    }
    if (current.status !== 'succeeded' || !patched('verify-provider-refund')) return current;
    const refund = context.current();
    const fresh = fromHint ? await provider.getProviderRefund({ provider: payment.provider, providerRefundId: current.providerRefundId }) : current;
    const problem = providerObjectProblem(
      { id: current.providerRefundId, amount: refund.amount, currency: refund.currency },
      { id: fresh.providerRefundId, amount: fresh.amount, currency: fresh.currency },
    );
    if (problem) {
      await notification.raiseAlert({
        dedupeKey: `provider_refund_mismatch:${refund.id}`, kind: 'provider_money_mismatch', severity: 'critical',
        message: `Refund ${refund.id}: the provider's ${fresh.providerRefundId} has ${problem.field} ${problem.actual} where the engine asked ${problem.expected}: not counted as paid`,
        data: { refund_id: refund.id, payment_id: refund.payment_id, reason: 'provider_object_mismatch', ...problem, provider_refund_id: fresh.providerRefundId },
      });
      return { ...fresh, status: 'failed', failureReason: 'provider_object_mismatch' };
    }
    if (fresh.status !== 'pending') return fresh;
    current = fresh;
    fromHint = false;
  }
}
