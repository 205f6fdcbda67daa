import type { Context } from 'koa';
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Payment } from '../domain/payment';
import type { AutoPauseSettings, ReviewDecision } from '../domain/risk';
import { autoPauseTrigger, pauseCovers } from '../domain/risk';
import { activePauseFor, closeReview, countRecentAttacks, reviewIdFor, setCustomerFlag, toReview } from '../activities/risk-store';
import { decideRefundUpdate } from '../workflows/refund-definitions';
import { reviewUpdate, type PauseProcessingInput } from '../workflows/risk-definitions';
import type { pauseProcessing } from '../workflows/pause-processing';
import { withDeadline } from './deadline';
import { ApiError } from './errors';
import { cancelPayment, translate } from './payment-commands';
import { findPayment } from './payment-reads';
import { type RefundEngine, requestRefund, takeRefundStep } from './refund-commands';
import { newId } from './ids';

/** How long a paused merchant is told to wait before trying again. */
export const PAUSED_RETRY_AFTER_SECONDS = 60;

/** Refuses a new payment while processing is paused for its provider (503 payments_paused with Retry-After). */
export async function refuseWhilePaused(ctx: Context, engine: Pick<RefundEngine, 'db'>, provider: string): Promise<void> {
  const pause = await activePauseFor(engine.db, provider);
  if (!pause || !pauseCovers(pause.scope, provider)) return;
  ctx.set('Retry-After', String(PAUSED_RETRY_AFTER_SECONDS));
  throw new ApiError(503, 'api_error', 'payments_paused', `New payments are paused (${pause.scope}): ${pause.reason}. Try again later.`);
}

/** Starts a pause through its workflow, which records it and alerts the admins; a pause already in force is returned. */
export async function pauseProcessingNow(engine: RefundEngine, input: Omit<PauseProcessingInput, 'pauseId'> & { workflowId?: string }) {
  const pauseId = newId('pau');
  try {
    const pausing = engine.client.workflow.execute<typeof pauseProcessing>('pauseProcessing', {
      workflowId: input.workflowId ?? `pause-${pauseId}`, taskQueue: engine.taskQueue,
      args: [{ pauseId, scope: input.scope, reason: input.reason, actor: input.actor }],
      workflowExecutionTimeout: '5 minutes',
    });
    return await withDeadline(pausing, engine.responseTimeoutMs, { code: 'pause_in_progress', readHint: 'read it with GET /v1/admin/pauses' });
  } catch (error) {
    // An automatic pause for this window was started already: nothing more to do.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return null;
    throw error;
  }
}

/** After a rejected webhook: pause everything when rejections in the window pass the configured threshold. */
export async function pauseIfWebhooksUnderAttack(engine: RefundEngine, autoPause: AutoPauseSettings): Promise<void> {
  if (autoPause.rejectedWebhooks === 0) return;
  const trigger = autoPauseTrigger({ ...(await countRecentAttacks(engine.db, autoPause.windowMinutes)), blockedAttempts: 0 }, autoPause);
  if (!trigger) return;
  const size = autoPause.windowMinutes * 60_000;
  const window = new Date(Math.floor(Date.now() / size) * size).toISOString();
  await pauseProcessingNow(engine, {
    scope: 'all', actor: 'risk:auto_pause', workflowId: `auto-pause-webhooks-${window}`,
    reason: `${trigger.count} rejected webhook signatures in ${autoPause.windowMinutes} minutes (threshold ${trigger.threshold})`,
  });
}

/**
 * An admin's decision on a payment's review. A payment held before the provider is decided by its workflow (an Update
 * with a validator); a payment the provider flagged after taking it is approved here, or blocked as confirmed fraud.
 */
export async function decideReview(
  engine: RefundEngine,
  request: { paymentId: string; decision: ReviewDecision; reason: string | null; actor: string; updateId: string },
): Promise<Payment> {
  const payment = await findPayment(engine.db, request.paymentId);
  if (!payment) throw ApiError.notFound('payment', request.paymentId);
  if (payment.status === 'requires_review') {
    return translate(engine, payment.id, () =>
      engine.client.workflow.getHandle(payment.id).executeUpdate(reviewUpdate, {
        args: [{ decision: request.decision, actor: request.actor, reason: request.reason }], updateId: request.updateId,
      }),
    );
  }
  const row = await engine.db('risk_reviews').where({ id: reviewIdFor(payment.id, 'provider_risk'), status: 'open' }).first();
  if (!row) {
    throw new ApiError(409, 'invalid_request_error', 'payment_unexpected_state', `This payment has no open review: its status is ${payment.status}.`);
  }
  if (request.decision === 'approve') {
    await closeReview(engine.db, { id: row.id, status: 'approved', actor: request.actor, reason: request.reason });
    return payment;
  }
  if (!request.reason) throw ApiError.invalid('parameter_missing', 'Blocking a payment needs a reason.', 'reason');
  await closeReview(engine.db, { id: toReview(row).id, status: 'blocked', actor: request.actor, reason: request.reason });
  return confirmFraud(engine, { paymentId: payment.id, reason: request.reason, actor: request.actor });
}

/**
 * Fraud confirmed after the fact: money still held is let go (an authorization canceled, a charge refunded as far as
 * it can be), and the customer is flagged, which blocks their next payments until an admin clears it.
 */
export async function confirmFraud(engine: RefundEngine, request: { paymentId: string; reason: string; actor: string }): Promise<Payment> {
  const payment = await findPayment(engine.db, request.paymentId);
  if (!payment) throw ApiError.notFound('payment', request.paymentId);
  if (payment.customer_id) {
    await setCustomerFlag(engine.db, payment.customer_id, { reason: request.reason, payment_id: payment.id, flagged_by: request.actor });
  }
  const fraudKey = createHash('sha256').update(`${payment.id}:fraud`).digest('hex').slice(0, 24);
  if (payment.status === 'requires_capture') {
    await cancelPayment(engine, payment.id, { actor: request.actor, reason: 'fraudulent', updateId: `fraud-cancel-${fraudKey}` }).catch(ignoreStateConflicts);
  } else if (payment.status === 'succeeded' || payment.status === 'partially_refunded') {
    const refundId = `rfd_fraud${fraudKey}`;
    const refund = await requestRefund(engine, { refundId, paymentId: payment.id, reason: 'fraudulent', details: request.reason, actor: request.actor })
      .catch((error: unknown) => (ignoreStateConflicts(error), null));
    if (refund?.status === 'pending_review') {
      // The admin who confirmed the fraud is the approval: the refund moves on without a second review.
      await takeRefundStep(engine, refundId, {
        step: 'approve', update: decideRefundUpdate, updateId: `fraud-approve-${fraudKey}`, showIban: false,
        args: { decision: 'approve', actor: request.actor, reason: `fraud confirmed: ${request.reason}` },
      });
    }
  }
  return (await findPayment(engine.db, payment.id))!;
}

/** Nothing left to cancel or refund is not a failure of the fraud confirmation. */
function ignoreStateConflicts(error: unknown): void {
  if (error instanceof ApiError && error.status < 500) return;
  throw error;
}

