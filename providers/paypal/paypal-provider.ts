import type { CreatePaymentRequest, CreateRefundRequest, ProviderEvent, ProviderPaymentState, ProviderRefundState, ProviderPaymentPage, ProviderRefundPage } from '../../domain/provider-types';
import { type PaymentProvider, type ProviderLink, ProviderRequestError, WebhookVerificationError } from '../types';
import type { PayPalApi } from './paypal-client';
import { issueOf, messageOf, translatePayPalError } from './paypal-errors';
import { captureOf, fromOrder, fromRefund, PAYPAL, payPalFailure, toOrderRequest, toRefundRequest } from './paypal-transformers';
import { payPalDisputeUrl } from './paypal-disputes';
import { fromWebhookBody } from './paypal-webhook-events';
import { PayPalWebhookVerifier } from './paypal-webhook-verifier';
import { PAYPAL_CAPABILITIES } from './paypal-capabilities';

/** Orders, captures and refunds all have 17 uppercase alphanumerics, e.g. 5O190127TN364715T. */
const PAYPAL_ID = /^[A-Z0-9]{17}$/;
/** Ask for whole objects: PayPal's default (return=minimal) leaves out amounts and custom_id. */
const REPRESENTATION = 'return=representation';

export interface PayPalProviderOptions {
  mode: 'live' | 'sandbox';
  /** The local sandbox's address, when the client talks to it. */
  baseUrl: string | null;
  webhookId: string | null;
  /** Hosts besides PayPal's own allowed to serve webhook certificates (PAYPAL_CERT_HOSTS, the sandbox). */
  certHosts: string[];
  fetchCertificate?: (url: string, ca: string[]) => Promise<string>;
  /** CAs trusted for the signing chain besides the system's: the local sandbox's. */
  trustAnchors?: () => Promise<string[]>;
}

/** PayPal Checkout (Orders v2, intent CAPTURE) through the official SDK; no vault. */
export class PayPalProvider implements PaymentProvider {
  readonly name = PAYPAL;
  readonly mode: 'live' | 'sandbox';
  readonly baseUrl: string | null;
  readonly listsPayments = PAYPAL_CAPABILITIES.sync.listsPayments;
  private readonly verifier: PayPalWebhookVerifier | null;

  constructor(
    private readonly api: PayPalApi | null,
    options: PayPalProviderOptions,
  ) {
    this.mode = options.mode;
    this.baseUrl = options.baseUrl;
    this.verifier = options.webhookId
      ? new PayPalWebhookVerifier({ webhookId: options.webhookId, extraCertHosts: options.certHosts, fetchCertificate: options.fetchCertificate, trustAnchors: options.trustAnchors })
      : null;
  }

  paymentLink(orderId: string): ProviderLink {
    return this.baseUrl
      ? { href: `${this.baseUrl.replace(/\/+$/, '')}/v2/checkout/orders/${encodeURIComponent(orderId)}`, label: 'Order in the PayPal sandbox', note: 'the local sandbox API: it asks for a PayPal access token' }
      : { href: `https://www.${this.mode === 'live' ? '' : 'sandbox.'}paypal.com/unifiedtransactions`, label: 'PayPal activity', note: `search for order ${orderId}` };
  }

  /** Credentials to call PayPal and a webhook id to verify its webhooks; without them PayPal is disabled. */
  isConfigured(): boolean {
    return this.api !== null && this.verifier !== null;
  }

  ownsId(providerPaymentId: string): boolean {
    return PAYPAL_ID.test(providerPaymentId);
  }

  private client(): PayPalApi {
    if (!this.api) throw new ProviderRequestError('PayPal is not configured', 'provider_not_configured', null);
    return this.api;
  }

  async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
    const body = toOrderRequest(request);
    return this.call(async () => {
      const { result } = await this.client().orders.createOrder({ body, paypalRequestId: request.idempotencyKey, prefer: REPRESENTATION });
      return fromOrder(result, request.returnUrl);
    });
  }

  async getPayment(orderId: string): Promise<ProviderPaymentState> {
    return this.call(async () => fromOrder((await this.client().orders.getOrder({ id: orderId })).result));
  }

  /** Declines come back as a failed state; an order captured already answers with its current state. */
  async capture(orderId: string, options: { amount?: number; idempotencyKey: string }): Promise<ProviderPaymentState> {
    if (options.amount !== undefined) {
      const current = await this.getPayment(orderId);
      if (options.amount !== current.amount) {
        throw new ProviderRequestError('PayPal orders with intent CAPTURE are captured in full.', 'partial_capture_unsupported', 'amount_to_capture');
      }
    }
    try {
      const { result } = await this.client().orders.captureOrder({ id: orderId, paypalRequestId: options.idempotencyKey, prefer: REPRESENTATION });
      return fromOrder(result);
    } catch (error) {
      const issue = issueOf(error);
      if (issue === 'INSTRUMENT_DECLINED') {
        // The order stays APPROVED at PayPal; for Durapay this attempt has failed.
        const state = await this.getPayment(orderId);
        return { ...state, status: 'failed', nextAction: null, failure: payPalFailure('INSTRUMENT_DECLINED', messageOf(error)) };
      }
      if (issue === 'ORDER_ALREADY_CAPTURED') return this.getPayment(orderId);
      throw translatePayPalError(error);
    }
  }

  /**
   * Nothing to call: an order that is not captured takes no money and lapses at PayPal by itself
   * (Orders v2 has no cancel for CAPTURE orders; only authorizations can be voided). Amount and
   * currency are unknown without a call and are left empty; the engine keeps its own.
   */
  async cancel(orderId: string, _options?: { idempotencyKey: string }): Promise<ProviderPaymentState> {
    return {
      provider: PAYPAL,
      providerPaymentId: orderId,
      status: 'canceled',
      amount: 0,
      currency: '',
      amountCaptured: 0,
      providerStatus: 'NOT_CAPTURED',
      clientSecret: null,
      nextAction: null,
      failure: null,
      paymentId: null,
    };
  }

  async refund(request: CreateRefundRequest): Promise<ProviderRefundState> {
    return this.call(async () => {
      const order = (await this.client().orders.getOrder({ id: request.providerPaymentId })).result;
      const capture = captureOf(order);
      if (!capture?.id || !capture.amount) {
        throw new ProviderRequestError(`PayPal order ${request.providerPaymentId} has no capture to refund.`, 'payment_not_captured', null);
      }
      const { result } = await this.client().payments.refundCapturedPayment({
        captureId: capture.id,
        paypalRequestId: request.idempotencyKey,
        prefer: REPRESENTATION,
        body: toRefundRequest(request, capture.amount.currencyCode),
      });
      return fromRefund(result);
    });
  }

  async getRefund(providerRefundId: string): Promise<ProviderRefundState> {
    return this.call(async () => fromRefund((await this.client().payments.getRefund({ refundId: providerRefundId })).result));
  }

  /**
   * PayPal's Orders API has no search, so there is nothing to page through: sync verifies the orders the engine
   * already knows (getPayment) instead.
   */
  async listPayments(_range: { from: number; to: number }, _cursor: string | null): Promise<ProviderPaymentPage> {
    return { items: [], nextCursor: null };
  }

  /** Nothing to list either: sync verifies the engine's refunds still waiting for PayPal (getRefund). */
  async listRefunds(_range: { from: number; to: number }, _cursor: string | null): Promise<ProviderRefundPage> {
    return { items: [], nextCursor: null };
  }

  async parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<ProviderEvent> {
    if (!this.verifier) throw new WebhookVerificationError('PayPal webhooks cannot be verified without PAYPAL_WEBHOOK_ID');
    const { transmissionId } = await this.verifier.verify(rawBody, headers);
    const { event, refundedCaptureId, disputedCaptureId } = fromWebhookBody(rawBody, {
      disputeUrl: (disputeId) => payPalDisputeUrl(disputeId, { mode: this.mode, baseUrl: this.baseUrl }),
    });
    if (refundedCaptureId && this.api) event.providerPaymentId = await this.orderOfCapture(refundedCaptureId);
    if (event.dispute && disputedCaptureId && this.api) {
      // The engine knows PayPal payments by their order: a dispute names the capture.
      event.dispute.providerPaymentId = await this.orderOfCapture(disputedCaptureId);
      event.providerPaymentId = event.dispute.providerPaymentId;
    }
    event.deliveryId = transmissionId;
    return event;
  }

  /** Refund events name the capture, not the order; the order id is for the record only, so a failed lookup leaves it null. */
  private async orderOfCapture(captureId: string): Promise<string | null> {
    try {
      const { result } = await this.client().payments.getCapturedPayment({ captureId });
      return result.supplementaryData?.relatedIds?.orderId ?? null;
    } catch {
      return null;
    }
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translatePayPalError(error);
    }
  }
}
