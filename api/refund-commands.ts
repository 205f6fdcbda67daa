import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/workflow';
import type { Refund, RefundReason, RefundStatus } from '../domain/refund';
import type { RefundSettings } from '../platform/config';
import { refundRequestedUpdate, type RefundTiming } from '../workflows/refund-definitions';
import type { refundPayment } from '../workflows/refund-payment';
import { searchAttributesFor } from '../workflows/search-attributes';
import { ApiError, fromDomainFailure } from './errors';
import type { PaymentEngine } from './payment-commands';
import { findRefundRow, toRefund } from './refund-reads';
import { waitFor } from './wait-for';

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
    return await engine.client.workflow.executeUpdateWithStart(refundRequestedUpdate, { updateId: 'refund-requested', startWorkflowOperation });
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
 * Signals a decision or a step into the refund's workflow, after checking the refund is in a status that
 * accepts it, then waits briefly until the workflow has recorded it.
 */
export async function signalRefund<Args extends unknown[]>(
  engine: RefundEngine,
  refundId: string,
  step: { allowedFrom: RefundStatus[]; signal: SignalDefinition<Args>; args: Args; done: (refund: Refund) => boolean; showIban: boolean },
): Promise<Refund> {
  const row = await findRefundRow(engine.db, refundId);
  if (!row) throw ApiError.notFound('refund', refundId);
  const before = toRefund(row, { showIban: step.showIban });
  if (step.done(before)) return before;
  if (!step.allowedFrom.includes(before.status)) {
    throw new ApiError(409, 'invalid_request_error', 'refund_unexpected_state', `This refund is ${before.status}; that step needs ${step.allowedFrom.join(' or ')}.`);
  }
  await engine.client.workflow.getHandle(refundId).signal(step.signal, ...step.args);
  const after = await waitFor(async () => {
    const current = toRefund((await findRefundRow(engine.db, refundId))!, { showIban: step.showIban });
    return step.done(current) ? current : undefined;
  }, 15_000);
  return after ?? toRefund((await findRefundRow(engine.db, refundId))!, { showIban: step.showIban });
}
