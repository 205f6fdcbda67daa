import { randomChars } from '../shared/random-chars';
import type { PayPalSandboxCore } from './core';
import { invalidRequest, resourceNotFound, unprocessable } from './errors';
import { emitEvent } from './events';
import { nowIso } from './ids';
import type { CaptureRecord, DisputeRecord } from './types';

type Json = Record<string, unknown>;

/** PayPal gives sellers 10 days to answer a dispute. */
const RESPONSE_DAYS = 10;
const PAYPAL_REASONS = new Set([
  'MERCHANDISE_OR_SERVICE_NOT_RECEIVED', 'MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED', 'UNAUTHORISED', 'CREDIT_NOT_PROCESSED',
  'DUPLICATE_TRANSACTION', 'INCORRECT_AMOUNT', 'PAYMENT_BY_OTHER_MEANS', 'CANCELED_RECURRING_BILLING', 'PROBLEM_WITH_REMITTANCE', 'OTHER',
]);

/** PayPal's dispute JSON (Customer Disputes v1), as webhooks and GET /v1/customer/disputes/:id show it. */
export function disputeJson(core: PayPalSandboxCore, dispute: DisputeRecord): Json {
  const capture = core.store.captures.get(dispute.capture_id);
  return {
    dispute_id: dispute.dispute_id,
    create_time: dispute.create_time,
    update_time: dispute.update_time,
    disputed_transactions: [{
      seller_transaction_id: dispute.capture_id,
      transaction_status: 'COMPLETED',
      gross_amount: capture?.amount ?? dispute.dispute_amount,
      ...(capture?.custom_id ? { custom: capture.custom_id } : {}),
    }],
    reason: dispute.reason,
    status: dispute.status,
    dispute_amount: dispute.dispute_amount,
    seller_response_due_date: dispute.seller_response_due_date,
    dispute_life_cycle_stage: 'CHARGEBACK',
    dispute_channel: 'EXTERNAL',
    ...(dispute.outcome_code ? { dispute_outcome: { outcome_code: dispute.outcome_code, amount_refunded: dispute.outcome_code === 'RESOLVED_BUYER_FAVOUR' ? dispute.dispute_amount : undefined } } : {}),
    links: [{ href: `${core.baseUrl()}/v1/customer/disputes/${dispute.dispute_id}`, rel: 'self', method: 'GET' }],
  };
}

export function getDispute(core: PayPalSandboxCore, id: string): DisputeRecord {
  const dispute = core.store.disputes.get(id);
  if (!dispute) throw resourceNotFound('dispute_id', id);
  return dispute;
}

function captureToDispute(core: PayPalSandboxCore, body: Json): CaptureRecord {
  const captureId = typeof body.capture_id === 'string' ? body.capture_id : null;
  const orderId = typeof body.order_id === 'string' ? body.order_id : null;
  if (!captureId && !orderId) throw invalidRequest({ field: '/capture_id', issue: 'MISSING_REQUIRED_PARAMETER', description: 'Name the captured order (order_id) or its capture (capture_id).' });
  const id = captureId ?? core.store.orders.get(orderId!)?.capture_ids[0];
  const capture = id ? core.store.captures.get(id) : undefined;
  if (!capture) throw resourceNotFound(captureId ? 'capture_id' : 'order_id', (captureId ?? orderId)!);
  if (capture.status !== 'COMPLETED' && capture.status !== 'PARTIALLY_REFUNDED') {
    throw unprocessable({ issue: 'CAPTURE_NOT_DISPUTABLE', description: `A capture that is ${capture.status} cannot be disputed.` });
  }
  return capture;
}

/** The payer disputes a captured order (sandbox control): CUSTOMER.DISPUTE.CREATED. */
export function openDispute(core: PayPalSandboxCore, body: Json): DisputeRecord {
  const capture = captureToDispute(core, body);
  const reason = typeof body.reason === 'string' ? body.reason : 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED';
  if (!PAYPAL_REASONS.has(reason)) throw invalidRequest({ field: '/reason', issue: 'INVALID_PARAMETER_VALUE', description: `Unknown dispute reason ${reason}.` });
  const now = nowIso();
  const dispute: DisputeRecord = {
    dispute_id: `PP-D-${randomChars('0123456789', 8)}`,
    capture_id: capture.id,
    order_id: capture.order_id,
    reason,
    status: 'WAITING_FOR_SELLER_RESPONSE',
    dispute_amount: capture.amount,
    seller_response_due_date: new Date(Date.now() + RESPONSE_DAYS * 24 * 3600 * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    outcome_code: null,
    create_time: now,
    update_time: now,
  };
  core.store.disputes.set(dispute.dispute_id, dispute);
  core.store.changed();
  emitEvent(core, 'CUSTOMER.DISPUTE.CREATED', 'dispute', disputeJson(core, dispute), `A new dispute opened with Case # ${dispute.dispute_id}`);
  return dispute;
}

/** PayPal decides (sandbox control), {outcome: "won" | "lost"} for the seller: CUSTOMER.DISPUTE.RESOLVED. */
export function resolveDispute(core: PayPalSandboxCore, id: string, body: Json): DisputeRecord {
  const dispute = getDispute(core, id);
  const outcome = body.outcome;
  if (outcome !== 'won' && outcome !== 'lost') throw invalidRequest({ field: '/outcome', issue: 'INVALID_PARAMETER_VALUE', description: 'outcome must be "won" or "lost".' });
  if (dispute.status === 'RESOLVED') throw unprocessable({ issue: 'DISPUTE_ALREADY_RESOLVED', description: `Dispute ${id} is already resolved.` });
  dispute.status = 'RESOLVED';
  dispute.outcome_code = outcome === 'won' ? 'RESOLVED_SELLER_FAVOUR' : 'RESOLVED_BUYER_FAVOUR';
  dispute.update_time = nowIso();
  core.store.changed();
  emitEvent(core, 'CUSTOMER.DISPUTE.RESOLVED', 'dispute', disputeJson(core, dispute), `A dispute was resolved with case # ${dispute.dispute_id}`);
  return dispute;
}
