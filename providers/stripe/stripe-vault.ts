import Stripe from 'stripe';
import { type PaymentMethodVault, ProviderRequestError, type SavedMethodDetails } from '../types';
import { callStripe, translateError } from './stripe-errors';
import { toSavedCard, toSavedSepaDebit } from './stripe-saved-methods';
import { CUSTOMER_ID_METADATA_KEY } from './stripe-transformers';

/** Stripe Customers and the PaymentMethods attached to them. Every idempotency key derives from the caller's. */
export class StripeVault implements PaymentMethodVault {
  constructor(private readonly stripe: () => Stripe) {}

  /** Stripe keeps idempotency keys for 24 hours: callers remember the returned id rather than asking again. */
  async ensureCustomer(input: { customerId: string; email: string | null; name: string | null }): Promise<string> {
    const customer = await callStripe(() =>
      this.stripe().customers.create(
        {
          ...(input.email ? { email: input.email } : {}),
          ...(input.name ? { name: input.name } : {}),
          metadata: { [CUSTOMER_ID_METADATA_KEY]: input.customerId },
        },
        { idempotencyKey: `customer:${input.customerId}` },
      ),
    );
    return customer.id;
  }

  /** Attaching a test token (pm_card_visa) makes a new pm_ id: that id, not the token, is what gets saved. */
  async saveCard(input: { token: string; providerCustomerId: string; idempotencyKey: string }): Promise<SavedMethodDetails> {
    const attached = await callStripe(() =>
      this.stripe().paymentMethods.attach(input.token, { customer: input.providerCustomerId }, { idempotencyKey: `${input.idempotencyKey}:attach` }),
    );
    return toSavedCard(attached);
  }

  /**
   * A sepa_debit PaymentMethod, then a confirmed off-session SetupIntent whose mandate authorizes later debits;
   * Stripe attaches the method to the customer when the SetupIntent succeeds.
   */
  async saveSepaDebit(input: {
    iban: string;
    accountHolderName: string;
    email: string | null;
    providerCustomerId: string;
    idempotencyKey: string;
    mandateAcceptedAt: string;
  }): Promise<SavedMethodDetails> {
    const acceptedAt = Math.floor(Date.parse(input.mandateAcceptedAt) / 1000);
    if (!Number.isFinite(acceptedAt)) throw new ProviderRequestError('mandateAcceptedAt must be an ISO 8601 date', 'parameter_invalid', 'mandate_accepted_at');
    // Stripe needs the account holder's email for SEPA; the customer's is the one we have when none is given.
    const email = input.email ?? (await this.customerEmail(input.providerCustomerId));
    const stripe = this.stripe();
    const paymentMethod = await callStripe(() =>
      stripe.paymentMethods.create(
        {
          type: 'sepa_debit',
          sepa_debit: { iban: input.iban },
          billing_details: { name: input.accountHolderName, ...(email ? { email } : {}) },
        },
        { idempotencyKey: `${input.idempotencyKey}:payment-method` },
      ),
    );
    const setup = await callStripe(() =>
      stripe.setupIntents.create(
        {
          customer: input.providerCustomerId,
          payment_method: paymentMethod.id,
          confirm: true,
          usage: 'off_session',
          // No payment_method_types (refused by API versions from 2026-08): the method's type decides, and SEPA never redirects.
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          // Offline: the interface carries when the customer accepted, not the IP address and user agent online needs.
          mandate_data: { customer_acceptance: { type: 'offline', accepted_at: acceptedAt, offline: {} } },
        },
        { idempotencyKey: `${input.idempotencyKey}:setup` },
      ),
    );
    const mandateId = typeof setup.mandate === 'string' ? setup.mandate : (setup.mandate?.id ?? null);
    if (setup.status !== 'succeeded' || !mandateId) {
      throw new ProviderRequestError(`SetupIntent ${setup.id} ended ${setup.status} without a mandate`, 'setup_intent_unexpected_state', null);
    }
    return toSavedSepaDebit(paymentMethod, mandateId);
  }

  /** Stripe refuses to detach what isn't attached; a method that is no longer attached counts as done. */
  async detach(providerMethodId: string): Promise<void> {
    try {
      await this.stripe().paymentMethods.detach(providerMethodId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 400) {
        const current = await callStripe(() => this.stripe().paymentMethods.retrieve(providerMethodId));
        if (current.customer === null) return;
      }
      throw translateError(error);
    }
  }

  /** Stripe answers 404 resource_missing for a customer deleted before: that counts as done. */
  async deleteCustomer(providerCustomerId: string): Promise<void> {
    try {
      await this.stripe().customers.del(providerCustomerId);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return;
      throw translateError(error);
    }
  }

  private async customerEmail(providerCustomerId: string): Promise<string | null> {
    const customer = await callStripe(() => this.stripe().customers.retrieve(providerCustomerId));
    return 'deleted' in customer && customer.deleted ? null : (customer as Stripe.Customer).email;
  }
}
