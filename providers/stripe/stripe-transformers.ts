import type Stripe from 'stripe';
import { describeFailure } from '../../domain/failure';
import type { PaymentStatus } from '../../domain/payment-status';
import type { DisputeStatus } from '../../domain/dispute';
import type { CreatePaymentRequest, CreateRefundRequest, NextAction, ProviderDisputeState, ProviderPaymentState, ProviderRefundState } from '../../domain/provider-types';

/** Metadata key under which Stripe echoes the engine's payment id on PaymentIntents and Charges. */
export const PAYMENT_ID_METADATA_KEY = 'durapay_payment_id';
export const CUSTOMER_ID_METADATA_KEY = 'durapay_customer_id';
export const REFUND_ID_METADATA_KEY = 'durapay_refund_id';

/**
 * Cards and SEPA debits alike name their PaymentMethod; Stripe takes the kind from it. No payment_method_types:
 * the API version stripe-node 23 pins (2026-10-28.endive) refuses it (payment_method_types_no_longer_supported)
 * and stripe-mock's spec (2025-09-30.clover) refuses its replacement, allowed_payment_method_types.
 */
export function toPaymentIntentCreateParams(request: CreatePaymentRequest): Stripe.PaymentIntentCreateParams {
  const sepa = request.paymentMethodType === 'sepa_debit';
  return {
    amount: request.amount,
    currency: request.currency,
    payment_method: request.paymentMethod,
    confirm: true,
    capture_method: request.captureMethod,
    return_url: request.returnUrl,
    // A saved method is attached to its provider customer, and Stripe only charges it for that customer.
    ...(request.providerCustomerId ? { customer: request.providerCustomerId } : {}),
    ...(sepa && request.mandateId ? { mandate: request.mandateId } : {}),
    ...(request.description ? { description: request.description } : {}),
    metadata: {
      ...request.metadata,
      [PAYMENT_ID_METADATA_KEY]: request.paymentId,
      ...(request.customerId ? { [CUSTOMER_ID_METADATA_KEY]: request.customerId } : {}),
    },
    // The charge carries Radar's risk verdict, read in the same answer.
    expand: ['latest_charge'],
  };
}

/** Radar's verdict on the intent's charge, when the charge came expanded. */
function riskLevelOf(intent: Stripe.PaymentIntent): string | null {
  const charge = intent.latest_charge;
  return charge && typeof charge === 'object' ? (charge.outcome?.risk_level ?? null) : null;
}

function statusOfPaymentIntent(intent: Stripe.PaymentIntent): PaymentStatus {
  switch (intent.status) {
    case 'requires_payment_method':
      // After a confirmation attempt, Stripe reports a decline this way.
      return intent.last_payment_error ? 'failed' : 'pending';
    case 'requires_confirmation':
      return 'pending';
    case 'requires_action':
      return 'requires_action';
    case 'processing':
      return 'processing';
    case 'requires_capture':
      return 'requires_capture';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    default:
      return 'pending';
  }
}

function nextActionOf(intent: Stripe.PaymentIntent): NextAction | null {
  const redirect = intent.next_action?.redirect_to_url;
  if (!redirect?.url) return null;
  return { type: 'redirect_to_url', redirect_to_url: { url: redirect.url, return_url: redirect.return_url ?? null } };
}

export function fromPaymentIntent(intent: Stripe.PaymentIntent): ProviderPaymentState {
  const status = statusOfPaymentIntent(intent);
  const error = intent.last_payment_error;
  return {
    provider: 'stripe',
    providerPaymentId: intent.id,
    status,
    amount: intent.amount,
    currency: intent.currency,
    amountCaptured: intent.amount_received ?? 0,
    providerStatus: intent.status,
    clientSecret: intent.client_secret ?? null,
    nextAction: nextActionOf(intent),
    failure:
      status === 'failed'
        ? describeFailure({ code: error?.code, declineCode: error?.decline_code, message: error?.message })
        : null,
    paymentId: intent.metadata?.[PAYMENT_ID_METADATA_KEY] ?? null,
    metadata: { ...intent.metadata },
    description: intent.description ?? null,
    createdAt: intent.created,
    riskLevel: riskLevelOf(intent),
  };
}

/** Charges tell the same story as their PaymentIntent; pending charges mean the money is on its way. */
export function fromCharge(charge: Stripe.Charge): ProviderPaymentState | null {
  const providerPaymentId = typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
  if (!providerPaymentId) return null;
  let status: PaymentStatus;
  if (charge.status === 'failed') status = 'failed';
  else if (charge.status === 'pending') status = 'processing';
  else status = charge.captured ? 'succeeded' : 'requires_capture';
  return {
    provider: 'stripe',
    providerPaymentId,
    status,
    amount: charge.amount,
    currency: charge.currency,
    amountCaptured: charge.amount_captured ?? 0,
    providerStatus: `charge.${charge.status}`,
    clientSecret: null,
    nextAction: null,
    failure:
      status === 'failed'
        ? describeFailure({
            code: charge.failure_code,
            declineCode: charge.outcome?.reason ?? null,
            message: charge.failure_message,
          })
        : null,
    paymentId: charge.metadata?.[PAYMENT_ID_METADATA_KEY] ?? null,
  };
}

const STRIPE_REFUND_REASONS = new Set(['duplicate', 'fraudulent', 'requested_by_customer']);

export function toRefundCreateParams(request: CreateRefundRequest): Stripe.RefundCreateParams {
  return {
    payment_intent: request.providerPaymentId,
    amount: request.amount,
    ...(STRIPE_REFUND_REASONS.has(request.reason) ? { reason: request.reason as Stripe.RefundCreateParams.Reason } : {}),
    metadata: { [REFUND_ID_METADATA_KEY]: request.refundId },
  };
}

export function fromRefund(refund: Stripe.Refund): ProviderRefundState {
  const status = refund.status === 'succeeded' || refund.status === 'failed' || refund.status === 'canceled' ? refund.status : 'pending';
  return {
    provider: 'stripe',
    providerRefundId: refund.id,
    status,
    amount: refund.amount,
    refundId: refund.metadata?.[REFUND_ID_METADATA_KEY] ?? null,
    failureReason: refund.failure_reason ?? null,
    providerPaymentId: typeof refund.payment_intent === 'string' ? refund.payment_intent : (refund.payment_intent?.id ?? null),
    currency: refund.currency,
  };
}

/**
 * Stripe's dispute statuses in the engine's terms. Inquiries (warning_*) count like disputes; an inquiry closed without
 * a chargeback (warning_closed) and a prevented dispute took no money: won.
 */
function statusOfDispute(status: string): DisputeStatus {
  switch (status) {
    case 'won':
    case 'warning_closed':
    case 'prevented':
      return 'won';
    case 'lost':
      return 'lost';
    case 'under_review':
    case 'warning_under_review':
    case 'appeal_under_review':
      return 'under_review';
    default:
      return 'needs_response';
  }
}

/** Where an admin answers the dispute: Stripe's dashboard, or the local sandbox's API when the engine talks to it. */
export function stripeDisputeUrl(disputeId: string, options: { mode: 'live' | 'sandbox'; baseUrl: string | null }): string {
  if (options.baseUrl) return `${options.baseUrl.replace(/\/+$/, '')}/v1/disputes/${disputeId}`;
  return `https://dashboard.stripe.com/${options.mode === 'live' ? '' : 'test/'}disputes/${disputeId}`;
}

export function fromDispute(dispute: Stripe.Dispute, providerUrl: string | null): ProviderDisputeState {
  const paymentIntent = typeof dispute.payment_intent === 'string' ? dispute.payment_intent : (dispute.payment_intent?.id ?? null);
  return {
    provider: 'stripe',
    providerDisputeId: dispute.id,
    providerPaymentId: paymentIntent,
    // Stripe copies the charge's metadata onto neither the dispute nor its event: the engine finds the payment by its intent.
    paymentId: dispute.metadata?.[PAYMENT_ID_METADATA_KEY] ?? null,
    amount: dispute.amount,
    currency: dispute.currency,
    reason: dispute.reason,
    status: statusOfDispute(dispute.status),
    providerStatus: dispute.status,
    evidenceDueBy: dispute.evidence_details?.due_by ?? null,
    providerUrl,
  };
}
