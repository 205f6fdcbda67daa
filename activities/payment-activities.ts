import type { Payment, PaymentEvent } from '../domain/payment';
import type { CreatePaymentRequest, ProviderPaymentState } from '../domain/provider-types';
import type { Database } from '../platform/database';
import { providerNamed, type ProviderRegistry } from '../providers/registry';
import { bookPayment, claimPaymentAttempt, savePaymentAndEvents } from './payment-record-writer';
import { type CustomerContact, findCustomerContact } from './customer-contact';
import { type LatePaymentView, recordLateProviderEvent } from './late-provider-events';
import { callProvider } from './provider-calls';

export interface PaymentActivityDependencies {
  db: Database;
  providers: ProviderRegistry;
}

export function createPaymentActivities({ db, providers }: PaymentActivityDependencies) {
  return {
    /** Writes the payment's latest state and new history lines; retries insert nothing twice. */
    async savePayment(input: { payment: Payment; version: number; events: PaymentEvent[]; processedWebhookEventIds: number[]; bookLater?: boolean }): Promise<void> {
      await savePaymentAndEvents(db, input);
    },

    /**
     * The bookkeeping a `bookLater` save left (ledger, merchant events, invoice), after the caller has its answer; with
     * `findContact`, also the payer's address for the receipt that follows (one activity where there would be two).
     */
    async bookPayment(input: { paymentId: string; findContact: boolean }): Promise<{ contact: CustomerContact | null }> {
      await bookPayment(db, input.paymentId);
      return { contact: input.findContact ? await findCustomerContact(db, input.paymentId) : null };
    },

    /** Starts a new attempt of a failed payment if nothing changed it since expectedVersion; false: refused. */
    async claimPaymentAttempt(input: { payment: Payment; expectedVersion: number; version: number; events: PaymentEvent[] }): Promise<{ claimed: boolean; version: number }> {
      return claimPaymentAttempt(db, input);
    },

    async createProviderPayment(request: CreatePaymentRequest & { provider: string }): Promise<ProviderPaymentState> {
      return callProvider(() => providerNamed(providers, request.provider).createPayment(request));
    },

    async getProviderPayment(input: { provider: string; providerPaymentId: string }): Promise<ProviderPaymentState> {
      return callProvider(() => providerNamed(providers, input.provider).getPayment(input.providerPaymentId));
    },

    async captureProviderPayment(input: {
      provider: string;
      providerPaymentId: string;
      amount?: number;
      idempotencyKey: string;
    }): Promise<ProviderPaymentState> {
      return callProvider(() =>
        providerNamed(providers, input.provider).capture(input.providerPaymentId, {
          amount: input.amount,
          idempotencyKey: input.idempotencyKey,
        }),
      );
    },

    async cancelProviderPayment(input: { provider: string; providerPaymentId: string; idempotencyKey: string }): Promise<ProviderPaymentState> {
      return callProvider(() =>
        providerNamed(providers, input.provider).cancel(input.providerPaymentId, { idempotencyKey: input.idempotencyKey }),
      );
    },

    /** A provider event that arrived after the payment's workflow finished: recorded, never applied. */
    async recordLateProviderEvent(input: { paymentId: string; event: PaymentEvent; webhookEventId: number | null }): Promise<LatePaymentView | null> {
      return recordLateProviderEvent(db, input);
    },
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
