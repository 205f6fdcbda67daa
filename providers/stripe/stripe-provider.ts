import Stripe from 'stripe';
import { describeFailure } from '../../domain/failure';
import type { CreatePaymentRequest, CreateRefundRequest, ProviderDisputeState, ProviderEvent, ProviderPaymentPage, ProviderPaymentState, ProviderRefundPage, ProviderRefundState } from '../../domain/provider-types';
import { type PaymentMethodVault, type PaymentProvider, type ProviderLink, ProviderRequestError, WebhookVerificationError } from '../types';
import { callStripe, translateError } from './stripe-errors';
import { fromCharge, fromDispute, fromPaymentIntent, fromRefund, stripeDisputeUrl, PAYMENT_ID_METADATA_KEY, toPaymentIntentCreateParams, toRefundCreateParams } from './stripe-transformers';
import { StripeVault } from './stripe-vault';
import { STRIPE_CAPABILITIES } from './stripe-capabilities';

/** A list request for objects created in [from, to), 100 a page, after the cursor (an object id). */
function listWindow(range: { from: number; to: number }, cursor: string | null) {
  return { created: { gte: range.from, lt: range.to }, limit: 100, ...(cursor ? { starting_after: cursor } : {}) };
}

/** One page of a Stripe list, translated; the next cursor is the last object's id while Stripe has more. */
function pageOf<T extends { id: string }, U>(page: Stripe.ApiList<T>, translate: (item: T) => U): { items: U[]; nextCursor: string | null } {
  const last = page.data.at(-1);
  return { items: page.data.map(translate), nextCursor: page.has_more && last ? last.id : null };
}

/** Stripe's documented tolerance for webhook timestamps. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly mode: 'live' | 'sandbox';
  readonly baseUrl: string | null;
  readonly vault: PaymentMethodVault;
  readonly listsPayments = STRIPE_CAPABILITIES.sync.listsPayments;

  constructor(
    private readonly stripe: Stripe | null,
    private readonly webhookSecret: string | null,
    options: { mode?: 'live' | 'sandbox'; baseUrl?: string | null } = {},
  ) {
    this.mode = options.mode ?? 'sandbox';
    this.baseUrl = options.baseUrl ?? null;
    this.vault = new StripeVault(() => this.client());
  }

  isConfigured(): boolean {
    return this.stripe !== null && this.webhookSecret !== null;
  }

  ownsId(providerPaymentId: string): boolean {
    return /^(pi|ch|py)_[A-Za-z0-9]+$/.test(providerPaymentId);
  }

  paymentLink(providerPaymentId: string): ProviderLink {
    const id = encodeURIComponent(providerPaymentId);
    return this.baseUrl
      ? { href: `${this.baseUrl.replace(/\/+$/, '')}/v1/payment_intents/${id}`, label: 'PaymentIntent in the Stripe sandbox', note: 'the local sandbox API: it asks for the sandbox key (any sk_test_…)' }
      : { href: `https://dashboard.stripe.com/${this.mode === 'live' ? '' : 'test/'}payments/${id}`, label: 'Payment in the Stripe dashboard' };
  }

  private client(): Stripe {
    if (!this.stripe) throw new ProviderRequestError('Stripe is not configured', 'provider_not_configured', null);
    return this.stripe;
  }

  async cardFingerprint(paymentMethod: string): Promise<string | null> {
    const method = await callStripe(() => this.client().paymentMethods.retrieve(paymentMethod));
    return method.card?.fingerprint ?? null;
  }

  async createPayment(request: CreatePaymentRequest): Promise<ProviderPaymentState> {
    try {
      const intent = await this.client().paymentIntents.create(toPaymentIntentCreateParams(request), {
        idempotencyKey: request.idempotencyKey,
      });
      return fromPaymentIntent(intent);
    } catch (error) {
      return this.declineOrThrow(error, request);
    }
  }

  async getPayment(providerPaymentId: string): Promise<ProviderPaymentState> {
    return this.call(async () => fromPaymentIntent(await this.client().paymentIntents.retrieve(providerPaymentId)));
  }

  async capture(providerPaymentId: string, options: { amount?: number; idempotencyKey: string }): Promise<ProviderPaymentState> {
    return this.call(async () =>
      fromPaymentIntent(
        await this.client().paymentIntents.capture(
          providerPaymentId,
          options.amount !== undefined ? { amount_to_capture: options.amount } : {},
          { idempotencyKey: options.idempotencyKey },
        ),
      ),
    );
  }

  async cancel(providerPaymentId: string, options: { idempotencyKey: string }): Promise<ProviderPaymentState> {
    return this.call(async () =>
      fromPaymentIntent(await this.client().paymentIntents.cancel(providerPaymentId, {}, { idempotencyKey: options.idempotencyKey })),
    );
  }

  async refund(request: CreateRefundRequest): Promise<ProviderRefundState> {
    return this.call(async () => fromRefund(await this.client().refunds.create(toRefundCreateParams(request), { idempotencyKey: request.idempotencyKey })));
  }

  async getRefund(providerRefundId: string): Promise<ProviderRefundState> {
    return this.call(async () => fromRefund(await this.client().refunds.retrieve(providerRefundId)));
  }

  /** One page of Stripe's list API (newest first, as Stripe pages); the cursor is the last PaymentIntent id. */
  async listPayments(range: { from: number; to: number }, cursor: string | null): Promise<ProviderPaymentPage> {
    return this.call(async () => pageOf(await this.client().paymentIntents.list(listWindow(range, cursor)), fromPaymentIntent));
  }

  /** One page of refunds, like listPayments; refunds made in Stripe's dashboard are listed too. */
  async listRefunds(range: { from: number; to: number }, cursor: string | null): Promise<ProviderRefundPage> {
    return this.call(async () => pageOf(await this.client().refunds.list(listWindow(range, cursor)), fromRefund));
  }

  async getDispute(providerDisputeId: string): Promise<ProviderDisputeState> {
    return this.call(async () => this.toDispute(await this.client().disputes.retrieve(providerDisputeId)));
  }

  private toDispute(dispute: Stripe.Dispute): ProviderDisputeState {
    return fromDispute(dispute, stripeDisputeUrl(dispute.id, { mode: this.mode, baseUrl: this.baseUrl }));
  }

  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): ProviderEvent {
    const signature = headers['stripe-signature'];
    if (typeof signature !== 'string' || !this.webhookSecret) {
      throw new WebhookVerificationError('Missing Stripe-Signature header');
    }
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(rawBody, signature, this.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      throw new WebhookVerificationError(error instanceof Error ? error.message : 'Invalid Stripe signature');
    }
    const object = event.data.object as { object?: string };
    let state: ProviderPaymentState | null = null;
    if (object.object === 'payment_intent') state = fromPaymentIntent(object as Stripe.PaymentIntent);
    else if (object.object === 'charge' && !event.type.startsWith('charge.refund') && !event.type.startsWith('charge.dispute')) {
      state = fromCharge(object as Stripe.Charge);
    }
    const refund = object.object === 'refund' ? fromRefund(object as Stripe.Refund) : null;
    // charge.dispute.created / updated / closed / funds_withdrawn carry the dispute itself.
    const dispute = object.object === 'dispute' ? this.toDispute(object as Stripe.Dispute) : null;
    const metadata = (object as { metadata?: Record<string, string> }).metadata;
    return {
      provider: this.name,
      eventId: event.id,
      type: event.type,
      createdAt: event.created,
      providerPaymentId: state?.providerPaymentId ?? dispute?.providerPaymentId ?? null,
      paymentId: state?.paymentId ?? metadata?.[PAYMENT_ID_METADATA_KEY] ?? null,
      state,
      refund,
      dispute,
    };
  }

  /** A decline is an outcome, not an error: Stripe answers 402 with the PaymentIntent attached. */
  private declineOrThrow(error: unknown, request: CreatePaymentRequest): ProviderPaymentState {
    if (error instanceof Stripe.errors.StripeCardError) {
      if (error.payment_intent) return fromPaymentIntent(error.payment_intent);
      return {
        provider: this.name,
        providerPaymentId: `unknown:${request.paymentId}`,
        status: 'failed',
        amount: request.amount,
        currency: request.currency,
        amountCaptured: 0,
        providerStatus: 'requires_payment_method',
        clientSecret: null,
        nextAction: null,
        failure: describeFailure({ code: error.code, declineCode: error.decline_code, message: error.message }),
        paymentId: request.paymentId,
      };
    }
    throw translateError(error);
  }

  private call<T>(operation: () => Promise<T>): Promise<T> {
    return callStripe(operation);
  }
}
