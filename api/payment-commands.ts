import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { BankTransferInstructions, Payment } from '../domain/payment';
import type { ChosenMethod } from '../domain/payment-method-choice';
import { structuredReference } from '../domain/structured-reference';
import type { DurapayConfig } from '../platform/config';
import { methodCapabilities, payerReturnUrls } from '../providers/capabilities';
import type { ProviderRegistry } from '../providers/registry';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import {
  cancelUpdate,
  captureUpdate,
  markReceivedUpdate,
  type PaymentTiming,
  providerStateKnownUpdate,
  type RetryRequest,
  retryUpdate,
} from '../workflows/definitions';
import { searchAttributesFor } from '../workflows/search-attributes';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from '../domain/risk';
import type { takePayment } from '../workflows/take-payment';
import { ApiError, fromDomainFailure } from './errors';
import { findPayment } from './payment-reads';
import type { CreatePaymentBody } from './schemas/payment-schemas';

export interface PaymentEngine {
  client: Client;
  providers: ProviderRegistry;
  publicUrl: string;
  offline: DurapayConfig['offline'];
  db: Database;
  taskQueue: string;
  timing: PaymentTiming;
  returnUrl: string;
  /** How long a request waits for the workflow before answering 503 (the work carries on). */
  responseTimeoutMs: number;
  /** Risk rules every new payment is checked against; absent: the documented defaults. */
  risk?: RiskSettings;
  /** Where a failure the API can only answer 503 for is told (an operator needs to know which). */
  log?: Logger;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError(503, 'api_error', 'payment_in_progress',
            'The payment is being processed but its outcome is not known yet. Retry with the same Idempotency-Key, or read it with GET /v1/payments/:id.'),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Maps what Temporal says to the API's errors; a workflow's refusal carries its code and kind (domain/errors.ts). */
export async function translate<T>(engine: PaymentEngine, paymentId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await withTimeout(action(), engine.responseTimeoutMs);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const refusal = error instanceof WorkflowUpdateFailedError ? fromDomainFailure(error.cause) : null;
    if (refusal) throw refusal;
    if (error instanceof WorkflowNotFoundError) {
      const payment = await findPayment(engine.db, paymentId);
      if (!payment) throw ApiError.notFound('payment', paymentId);
      throw new ApiError(409, 'invalid_request_error', 'payment_unexpected_state', `This payment is ${payment.status} and can no longer change.`);
    }
    engine.log?.error({ err: error, paymentId }, 'payment command failed: answered 503 engine_unavailable');
    throw ApiError.engineUnavailable();
  }
}

/** Where a cash or bank-transfer payer sends the money, with a reference that matches it to this payment. */
function offlineInstructions(engine: PaymentEngine, paymentId: string, type: 'cash' | 'bank_transfer', now: Date): BankTransferInstructions {
  const expires = new Date(now.getTime() + engine.offline.expiryDays * 24 * 3600 * 1000).toISOString();
  const bank = type === 'bank_transfer';
  return {
    type, iban: bank ? (engine.offline.iban ?? null) : null, bic: bank ? (engine.offline.bic ?? null) : null,
    beneficiary: engine.offline.beneficiary, reference: structuredReference(paymentId), expires_at: expires,
  };
}

function searchAttributesOf(payment: Payment): TypedSearchAttributes {
  return searchAttributesFor({
    paymentId: payment.id, customerId: payment.customer_id, status: payment.status, provider: payment.provider, amount: payment.amount, currency: payment.currency,
  });
}

export async function startPayment(
  engine: PaymentEngine,
  request: { paymentId: string; body: CreatePaymentBody; method: ChosenMethod; actor: string },
): Promise<Payment> {
  const { paymentId, body, method } = request;
  const createdAt = new Date();
  const now = createdAt.toISOString();
  const capabilities = methodCapabilities(method.provider, method.type);
  // Bank transfer and cash: the payer gets instructions, and the money is there or not (no authorization to hold).
  const offline = capabilities?.payerInstructions ?? false;
  const links = payerReturnUrls({ publicUrl: engine.publicUrl, provider: method.provider, methodType: method.type, paymentId, merchantReturnUrl: body.return_url ?? engine.returnUrl });
  const payment: Payment = {
    id: paymentId, object: 'payment', status: 'pending', amount: body.amount, currency: body.currency,
    capture_method: offline ? 'automatic' : body.capture_method, amount_captured: 0, amount_refunded: 0, provider: method.provider,
    provider_payment_id: null, payment_method: method.providerMethodId ?? body.payment_method ?? null,
    payment_method_type: method.type, saved_payment_method_id: method.savedMethodId,
    instructions: offline ? offlineInstructions(engine, paymentId, method.type as 'cash' | 'bank_transfer', createdAt) : null,
    client_secret: null, next_action: null,
    failure_code: null, failure_message: null, failure_details: null, customer_id: body.customer_id ?? null,
    receipt_email: body.receipt_email ?? null,
    description: body.description ?? null, metadata: body.metadata ?? {}, created_at: now, updated_at: now,
    attempt_count: 1, previous_attempts: [], next_retry_at: null,
  };
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof takePayment>('takePayment', {
    workflowId: paymentId,
    taskQueue: engine.taskQueue,
    args: [{
      payment, actor: request.actor, timing: engine.timing,
      // Redirect methods (PayPal) send the payer back through the engine, which then asks the provider what happened.
      returnUrl: links.returnUrl,
      cancelUrl: links.cancelUrl,
      method: { providerCustomerId: method.providerCustomerId, mandateId: method.mandateId },
      offlineExpirySeconds: engine.offline.expiryDays * 24 * 3600,
      risk: { settings: engine.risk ?? DEFAULT_RISK_SETTINGS, payerIp: body.payer_ip ?? null },
    }],
    // A retried request joins the running workflow; a finished one is never started again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    typedSearchAttributes: searchAttributesOf(payment),
  });
  return translate(engine, paymentId, async () => {
    try {
      return await engine.client.workflow.executeUpdateWithStart(providerStateKnownUpdate, {
        updateId: 'provider-state-known',
        startWorkflowOperation,
      });
    } catch (error) {
      // A retry after the workflow finished: it is never started again; answer from the record.
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        const existing = await findPayment(engine.db, paymentId);
        if (existing) return existing;
      }
      throw error;
    }
  });
}

export async function capturePayment(engine: PaymentEngine, paymentId: string, input: { amountToCapture?: number; actor: string; updateId: string }): Promise<Payment> {
  return translate(engine, paymentId, () =>
    engine.client.workflow.getHandle(paymentId).executeUpdate(captureUpdate, {
      args: [{ amountToCapture: input.amountToCapture, actor: input.actor }],
      updateId: input.updateId,
    }),
  );
}

export async function cancelPayment(engine: PaymentEngine, paymentId: string, input: { reason?: string; actor: string; updateId: string }): Promise<Payment> {
  return translate(engine, paymentId, () =>
    engine.client.workflow.getHandle(paymentId).executeUpdate(cancelUpdate, {
      args: [{ actor: input.actor, reason: input.reason }],
      updateId: input.updateId,
    }),
  );
}


export async function markPaymentReceived(engine: PaymentEngine, paymentId: string, input: { receivedAmount?: number; reference?: string; actor: string; updateId: string }): Promise<Payment> {
  return translate(engine, paymentId, () =>
    engine.client.workflow.getHandle(paymentId).executeUpdate(markReceivedUpdate, {
      args: [{ actor: input.actor, receivedAmount: input.receivedAmount, reference: input.reference }],
      updateId: input.updateId,
    }),
  );
}

/**
 * A new attempt of a failed payment. Its earlier run has closed, unless it waits for an automatic retry: update-with-start
 * starts a new run of the same workflow id from the stored payment (a closed run may be followed by another), or hands
 * the request to the open run, which makes this attempt instead of its automatic one. Either way the workflow claims the
 * attempt only if the payment is still failed at stateVersion, so a stale or concurrent retry never charges twice.
 */
export async function retryPayment(
  engine: PaymentEngine,
  request: { payment: Payment; stateVersion: number; retry: RetryRequest; cancelUrl: string },
): Promise<Payment> {
  const { payment, retry } = request;
  const startWorkflowOperation = new WithStartWorkflowOperation<typeof takePayment>('takePayment', {
    workflowId: payment.id,
    taskQueue: engine.taskQueue,
    args: [{
      payment, actor: retry.actor, timing: engine.timing, returnUrl: retry.returnUrl, cancelUrl: request.cancelUrl,
      method: retry.method, resume: { stateVersion: request.stateVersion },
    }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: searchAttributesOf(payment),
  });
  return translate(engine, payment.id, () =>
    engine.client.workflow.executeUpdateWithStart(retryUpdate, { updateId: retry.requestId ?? undefined, args: [retry], startWorkflowOperation }),
  );
}
