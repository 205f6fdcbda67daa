import type { ProviderEvent, ProviderRefundState } from '../../domain/provider-types';
import { WebhookVerificationError } from '../types';
import { fromPayPalDispute } from './paypal-disputes';
import { PAYPAL, paymentState, refundState } from './paypal-transformers';

/** A webhook body is PayPal's JSON (snake_case), not the SDK's models: read just the fields Durapay needs. */
type Json = Record<string, unknown>;

const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function money(value: unknown): { currencyCode: string; value: string } | null {
  const { currency_code: currencyCode, value: amount } = object(value);
  return typeof currencyCode === 'string' && typeof amount === 'string' ? { currencyCode, value: amount } : null;
}

/** The capture status each capture event stands for. */
const CAPTURE_EVENTS: Record<string, string> = {
  'PAYMENT.CAPTURE.COMPLETED': 'COMPLETED',
  'PAYMENT.CAPTURE.PENDING': 'PENDING',
  'PAYMENT.CAPTURE.DENIED': 'DECLINED',
};

export interface ParsedWebhook {
  event: ProviderEvent;
  /** For refund events: the capture the refund belongs to (its `up` link), to find the order by. */
  refundedCaptureId: string | null;
  /** For dispute events: the disputed capture, to find the order by. */
  disputedCaptureId?: string | null;
}

/** CUSTOMER.DISPUTE.CREATED, .UPDATED and .RESOLVED carry the dispute. */
const DISPUTE_EVENT = /^CUSTOMER\.DISPUTE\./;

/** Translates a verified webhook body; unknown event types carry no state. */
export function fromWebhookBody(rawBody: Buffer, options: { disputeUrl?: (disputeId: string) => string | null } = {}): ParsedWebhook {
  let body: Json;
  try {
    body = object(JSON.parse(rawBody.toString('utf8')));
  } catch {
    throw new WebhookVerificationError('PayPal webhook body is not JSON');
  }
  const id = text(body.id);
  const type = text(body.event_type);
  if (!id || !type) throw new WebhookVerificationError('PayPal webhook has no id or event_type');
  const resource = object(body.resource);
  const unit = object(Array.isArray(resource.purchase_units) ? resource.purchase_units[0] : null);
  const createdAt = Math.floor((Date.parse(text(body.create_time) ?? '') || Date.now()) / 1000);
  const relatedOrderId = text(object(object(resource.supplementary_data).related_ids).order_id);

  let state: ProviderEvent['state'] = null;
  let refund: ProviderRefundState | null = null;
  let refundedCaptureId: string | null = null;
  if (type === 'CHECKOUT.ORDER.APPROVED') {
    state = paymentState({
      orderId: text(resource.id) ?? '',
      orderStatus: 'APPROVED',
      amount: money(unit.amount),
      customId: text(unit.custom_id),
      capture: null,
      payerActionUrl: null,
      returnUrl: null,
    });
  } else if (CAPTURE_EVENTS[type] && relatedOrderId) {
    state = paymentState({
      orderId: relatedOrderId,
      orderStatus: 'COMPLETED',
      amount: money(resource.amount),
      customId: text(resource.custom_id),
      capture: { status: CAPTURE_EVENTS[type], amount: money(resource.amount) },
      payerActionUrl: null,
      returnUrl: null,
    });
  } else if (type === 'PAYMENT.CAPTURE.REFUNDED') {
    refund = refundState({
      id: text(resource.id) ?? '',
      status: text(resource.status) ?? 'COMPLETED',
      amount: money(resource.amount),
      customId: text(resource.custom_id) ?? text(resource.invoice_id),
      reason: null,
    });
    const up = Array.isArray(resource.links) ? resource.links.map(object).find((link) => link.rel === 'up') : undefined;
    refundedCaptureId = text(up?.href)?.match(/\/captures\/([^/?]+)/)?.[1] ?? null;
  }
  const parsedDispute = DISPUTE_EVENT.test(type) ? fromPayPalDispute(resource, { providerUrl: options.disputeUrl ?? (() => null) }) : null;
  if (parsedDispute) {
    return {
      event: {
        provider: PAYPAL, eventId: id, type, createdAt, providerPaymentId: null, paymentId: parsedDispute.dispute.paymentId,
        state: null, refund: null, dispute: parsedDispute.dispute,
      },
      refundedCaptureId: null,
      disputedCaptureId: parsedDispute.captureId,
    };
  }
  return {
    event: {
      provider: PAYPAL,
      eventId: id,
      type,
      createdAt,
      providerPaymentId: state?.providerPaymentId ?? relatedOrderId ?? (body.resource_type === 'checkout-order' ? text(resource.id) : null),
      // A refund's custom_id is the engine's refund id, not a payment id.
      paymentId: refund ? null : (state?.paymentId ?? text(resource.custom_id) ?? text(unit.custom_id)),
      state,
      refund,
    },
    refundedCaptureId,
  };
}
