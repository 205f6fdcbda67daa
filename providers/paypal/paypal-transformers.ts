import {
  CheckoutPaymentIntent,
  PaypalExperienceUserAction,
  PaypalWalletContextShippingPreference,
  type Order,
  type OrderRequest,
  type Refund,
  type RefundRequest,
} from '@paypal/paypal-server-sdk';
import { describeFailure, type PaymentFailure } from '../../domain/failure';
import { currencyExponent, toMinorUnits } from '../../domain/money';
import type { PaymentStatus } from '../../domain/payment-status';
import type { CreatePaymentRequest, CreateRefundRequest, ProviderPaymentState, ProviderRefundState } from '../../domain/provider-types';
import { ProviderRequestError } from '../types';

export const PAYPAL = 'paypal';

/** PayPal takes whole amounts only in these, though ISO 4217 gives them cents (JPY has none anyway). */
const WHOLE_UNITS_ONLY = new Set(['HUF', 'TWD']);

/** Minor units to PayPal's decimal string: 1999 EUR → '19.99', 500 JPY → '500'. */
export function toPayPalValue(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const exponent = currencyExponent(code);
  const digits = String(amount).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : digits.slice(-exponent);
  if (WHOLE_UNITS_ONLY.has(code)) {
    if (/[1-9]/.test(fraction)) throw new ProviderRequestError(`PayPal takes whole ${code} amounts only.`, 'amount_precision', 'amount');
    return whole;
  }
  return fraction ? `${whole}.${fraction}` : whole;
}

export function fromPayPalValue(money: { currencyCode: string; value: string }): number {
  return toMinorUnits(money.value, money.currencyCode);
}

/** The order for one payment: custom_id and reference_id carry the engine's payment id back. */
export function toOrderRequest(request: CreatePaymentRequest): OrderRequest {
  return {
    intent: CheckoutPaymentIntent.Capture,
    purchaseUnits: [
      {
        referenceId: request.paymentId,
        customId: request.paymentId,
        amount: { currencyCode: request.currency.toUpperCase(), value: toPayPalValue(request.amount, request.currency) },
        ...(request.description ? { description: request.description.slice(0, 127) } : {}),
      },
    ],
    paymentSource: {
      paypal: {
        experienceContext: {
          returnUrl: request.returnUrl,
          cancelUrl: request.cancelUrl,
          userAction: PaypalExperienceUserAction.PayNow,
          shippingPreference: PaypalWalletContextShippingPreference.NoShipping,
        },
      },
    },
  };
}

/** custom_id and invoice_id carry the engine's refund id (PayPal echoes both on the refund and its webhook). */
export function toRefundRequest(request: CreateRefundRequest, currency: string): RefundRequest {
  return {
    amount: { currencyCode: currency.toUpperCase(), value: toPayPalValue(request.amount, currency) },
    customId: request.refundId,
    invoiceId: request.refundId,
  };
}

const DECLINES = {
  INSTRUMENT_DECLINED: ['INSTRUMENT_DECLINED', "PayPal declined the payer's funding source. Ask the payer to choose another way to pay in PayPal and try again."],
  DECLINED: ['INSTRUMENT_DECLINED', 'PayPal denied this payment. Ask the payer to pay another way.'],
  FAILED: ['processing_error', 'PayPal could not capture the funds and no money was taken. Try again shortly or ask the payer to pay another way.'],
} as const;

/**
 * A PayPal decline in the engine's terms. describeFailure picks the code (INSTRUMENT_DECLINED is its alias
 * of card_declined); the message is PayPal's own, since the card wording does not fit a PayPal payer.
 */
export function payPalFailure(providerCode: keyof typeof DECLINES, providerMessage: string | null): PaymentFailure {
  const [code, message] = DECLINES[providerCode];
  return { ...describeFailure({ code, message: providerMessage }), provider_code: providerCode, failure_message: message };
}

/** What an order or a capture webhook says about one payment, in the terms both share. */
export interface PaymentFacts {
  orderId: string;
  orderStatus: string;
  amount: { currencyCode: string; value: string } | null;
  customId: string | null;
  capture: { status: string; amount: { currencyCode: string; value: string } | null } | null;
  payerActionUrl: string | null;
  returnUrl: string | null;
}

function statusOf(orderStatus: string, captureStatus: string | null): PaymentStatus {
  if (orderStatus === 'CREATED' || orderStatus === 'SAVED' || orderStatus === 'PAYER_ACTION_REQUIRED') return 'requires_action';
  if (orderStatus === 'APPROVED') return 'requires_capture';
  if (orderStatus === 'VOIDED') return 'canceled';
  if (orderStatus !== 'COMPLETED') return 'pending';
  if (captureStatus === 'DECLINED' || captureStatus === 'FAILED') return 'failed';
  if (captureStatus === 'COMPLETED' || captureStatus === 'PARTIALLY_REFUNDED' || captureStatus === 'REFUNDED') return 'succeeded';
  return 'processing'; // PENDING (e.g. an eCheck), or not reported yet
}

export function paymentState(facts: PaymentFacts): ProviderPaymentState {
  const captureStatus = facts.capture?.status ?? null;
  const status = statusOf(facts.orderStatus, captureStatus);
  const money = facts.amount ?? facts.capture?.amount ?? null;
  const captured = status === 'succeeded' ? (facts.capture?.amount ?? money) : null;
  return {
    provider: PAYPAL,
    providerPaymentId: facts.orderId,
    status,
    amount: money ? fromPayPalValue(money) : 0,
    currency: money ? money.currencyCode.toLowerCase() : '',
    amountCaptured: captured ? fromPayPalValue(captured) : 0,
    providerStatus: captureStatus ? `${facts.orderStatus}/${captureStatus}` : facts.orderStatus,
    clientSecret: null,
    nextAction:
      status === 'requires_action' && facts.payerActionUrl
        ? { type: 'redirect_to_url', redirect_to_url: { url: facts.payerActionUrl, return_url: facts.returnUrl } }
        : null,
    failure: status === 'failed' ? payPalFailure(captureStatus === 'FAILED' ? 'FAILED' : 'DECLINED', `PayPal capture ${captureStatus}`) : null,
    paymentId: facts.customId,
  };
}

/** The order's latest capture (intent CAPTURE has at most one that counts). */
export function captureOf(order: Order) {
  const captures = order.purchaseUnits?.[0]?.payments?.captures ?? [];
  return captures[captures.length - 1];
}

export function fromOrder(order: Order, returnUrl: string | null = null): ProviderPaymentState {
  const unit = order.purchaseUnits?.[0];
  const capture = captureOf(order);
  const payerAction = order.links?.find((link) => link.rel === 'payer-action') ?? order.links?.find((link) => link.rel === 'approve');
  return paymentState({
    orderId: order.id ?? '',
    orderStatus: order.status ?? '',
    amount: unit?.amount ?? null,
    customId: unit?.customId ?? capture?.customId ?? null,
    capture: capture ? { status: capture.status ?? '', amount: capture.amount ?? null } : null,
    payerActionUrl: payerAction?.href ?? null,
    returnUrl,
  });
}

const REFUND_STATUSES: Record<string, ProviderRefundState['status']> = { COMPLETED: 'succeeded', PENDING: 'pending', FAILED: 'failed', CANCELLED: 'canceled' };

/** Works for the SDK's Refund and for a webhook's refund resource once its fields are read. */
export function refundState(refund: { id: string; status: string; amount: { currencyCode: string; value: string } | null; customId: string | null; reason: string | null }): ProviderRefundState {
  const status = REFUND_STATUSES[refund.status] ?? 'pending';
  return {
    provider: PAYPAL,
    providerRefundId: refund.id,
    status,
    amount: refund.amount ? fromPayPalValue(refund.amount) : 0,
    refundId: refund.customId,
    failureReason: status === 'failed' || status === 'canceled' ? (refund.reason ?? refund.status.toLowerCase()) : null,
  };
}

export function fromRefund(refund: Refund): ProviderRefundState {
  return refundState({
    id: refund.id ?? '',
    status: refund.status ?? '',
    amount: refund.amount ?? null,
    customId: refund.customId ?? null,
    reason: refund.statusDetails?.reason ?? null,
  });
}
