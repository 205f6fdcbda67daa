import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Refund, RefundReason } from '../domain/refund';
import { judgeRefundStep, type RefundStepName } from '../domain/refund-steps';
import type { RefundSettings } from '../platform/config';
import { refundRequestedUpdate, type RefundTiming } from '../workflows/refund-definitions';
import type { refundPayment } from '../workflows/refund-payment';
import { searchAttributesFor } from '../workflows/search-attributes';
import { ApiError, fromDomainFailure, fromDomainRefusal } from './errors';
import { withDeadline } from './deadline';
import type { PaymentEngine } from './payment-commands';
import { findRefundRow, toRefund, withIbanShown } from './refund-reads';

export interface RefundEngine extends PaymentEngine {
  refundSettings: RefundSettings;
  refundTiming: RefundTiming;
  adminEmails: string[];
}

/** Starts the refund's workflow and answers once the amount is reserved, or with the policy's refusal. */
export async function requestRefund(
  engine: RefundEngine,
  request: { refundId: string; paymentId: string; amount?: number; reason: RefundReason; details?: string; actor: string },
): Promise<Refund> {
  const { refundSettings } = engine;
  const draft: Refund = {
    id: request.refundId, object: 'refund', payment_id: request.paymentId, amount: request.amount ?? 0, currency: '',
    reason: request.reason, details: request.details ?? null, status: 'pending_review', requested_at: new Date().toISOString(),
    requested_by: request.actor, decided_by: null, decided_at: null, decision_reason: null, provider_refund_id: null,
    completed_at: null, failure_message: null, appeal_count: 0, appeal_details: null, alternative_method: null,
  };
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof refundPayment>('refundPayment', {
    workflowId: request.refundId,
    taskQueue: engine.taskQueue,
    args: [{
      refund: draft,
      requestedAmount: request.amount ?? null,
      windowDays: refundSettings.windowDays,
      timing: engine.refundTiming,
      autoApproval: refundSettings.autoApproveMaxAmount > 0 ? { maxAmount: refundSettings.autoApproveMaxAmount, withinHours: refundSettings.autoApproveWithinHours } : null,
      adminEmails: engine.adminEmails,
    }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: searchAttributesFor({ paymentId: request.paymentId }),
  });
  try {
    return await withTimeout(engine.client.workflow.executeUpdateWithStart(refundRequestedUpdate, { updateId: 'refund-requested', startWorkflowOperation }), engine.responseTimeoutMs);
  } catch (error) {
    const refusal = error instanceof WorkflowUpdateFailedError ? fromDomainFailure(error.cause) : null;
    if (refusal) throw refusal;
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      const row = await findRefundRow(engine.db, request.refundId);
      if (row) return toRefund(row, { showIban: false });
    }
    throw error;
  }
}

/**
 * A person's step on a refund (approve, deny, appeal, bank details, transfer sent), by Update: the workflow's validator
 * refuses what the refund isn't waiting for, and the answer is the refund once the workflow has recorded the step.
 * A refund whose workflow has closed is judged from its record by the same rule (domain/refund-steps.ts).
 */
export async function takeRefundStep<Args>(
  engine: RefundEngine,
  refundId: string,
  request: { step: RefundStepName; update: UpdateDefinition<Refund, [Args]>; args: Args; updateId: string; showIban: boolean },
): Promise<Refund> {
  try {
    const update = engine.client.workflow.getHandle(refundId).executeUpdate(request.update, { args: [request.args], updateId: request.updateId });
    return withIbanShown(await withTimeout(update, engine.responseTimeoutMs), request.showIban);
  } catch (error) {
    const refusal = error instanceof WorkflowUpdateFailedError ? fromDomainFailure(error.cause) : null;
    if (refusal) throw refusal;
    // Closed, or failed the Update for a reason of its own (a workflow that failed): the refund's record is judged.
    if (!(error instanceof WorkflowNotFoundError) && !(error instanceof WorkflowUpdateFailedError)) {
      if (error instanceof ApiError) throw error;
      throw ApiError.engineUnavailable();
    }
  }
  const row = await findRefundRow(engine.db, refundId);
  if (!row) throw ApiError.notFound('refund', refundId);
  const refund = toRefund(row, { showIban: request.showIban });
  const verdict = judgeRefundStep(refund, request.step, { reason: (request.args as { reason?: string | null }).reason });
  if (verdict.verdict === 'refuse') throw fromDomainRefusal(verdict.refusal);
  if (verdict.verdict === 'take') throw new ApiError(409, 'invalid_request_error', 'refund_unexpected_state', `This refund is ${refund.status} and can no longer change.`);
  return refund;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return withDeadline(promise, ms, { code: 'refund_in_progress', readHint: 'read it with GET /v1/refunds/:id' });
}
