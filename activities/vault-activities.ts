import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../platform/database';
import { providerNamed, type ProviderRegistry } from '../providers/registry';
import type { SavedMethodDetails } from '../providers/types';
import { callProvider } from './provider-calls';
import { forgetReceiptEmails } from './payment-record-writer';

export interface SaveMethodRequest {
  methodId: string;
  customerId: string;
  provider: string;
  kind: 'card' | 'sepa_debit';
  token: string | null;
  iban: string | null;
  accountHolderName: string | null;
  acceptedAt: string;
}

function vaultOf(providers: ProviderRegistry, name: string) {
  const vault = providerNamed(providers, name).vault;
  if (!vault) throw ApplicationFailure.nonRetryable(`${name} has no payment-method vault`, 'ProviderRequestError');
  return vault;
}

export function createVaultActivities({ db, providers }: { db: Database; providers: ProviderRegistry }) {
  return {
    /** The provider's customer for ours, created once and remembered on the customer row. */
    async ensureProviderCustomer(input: { customerId: string; provider: string }): Promise<string> {
      const customer = await db('customers').where({ id: input.customerId }).first();
      const known = (customer?.provider_customer_ids ?? {})[input.provider];
      if (known) return known;
      const providerCustomerId = await callProvider(() =>
        vaultOf(providers, input.provider).ensureCustomer({ customerId: input.customerId, email: customer?.email ?? null, name: customer?.name ?? null }),
      );
      await db('customers')
        .where({ id: input.customerId })
        .update({ provider_customer_ids: db.raw(`provider_customer_ids || jsonb_build_object(?::text, ?::text)`, [input.provider, providerCustomerId]) });
      return providerCustomerId;
    },

    /** Idempotency keys derive from our method id: a retried save attaches nothing twice. */
    async saveMethodAtProvider(input: SaveMethodRequest & { providerCustomerId: string }): Promise<SavedMethodDetails> {
      const vault = vaultOf(providers, input.provider);
      return callProvider(() =>
        input.kind === 'card'
          ? vault.saveCard({ token: input.token!, providerCustomerId: input.providerCustomerId, idempotencyKey: `${input.methodId}:save` })
          : vault.saveSepaDebit({
              iban: input.iban!, accountHolderName: input.accountHolderName!, email: null, providerCustomerId: input.providerCustomerId,
              idempotencyKey: `${input.methodId}:save`, mandateAcceptedAt: input.acceptedAt,
            }),
      );
    },

    /** Keeps provider tokens and display details; the customer's first method becomes the default. */
    async recordSavedMethod(input: { request: SaveMethodRequest; providerCustomerId: string; details: SavedMethodDetails }): Promise<void> {
      const { request, details } = input;
      await db.transaction(async (trx) => {
        await trx.raw('select id from customers where id = ? for update', [request.customerId]);
        const hasDefault = await trx('payment_methods').where({ customer_id: request.customerId, is_default: true }).first('id');
        await trx('payment_methods')
          .insert({
            id: request.methodId, customer_id: request.customerId, provider: request.provider, type: details.type,
            provider_method_id: details.providerMethodId, provider_customer_id: input.providerCustomerId, brand: details.brand,
            last4: details.last4, exp_month: details.expMonth, exp_year: details.expYear, mandate_id: details.mandateId,
            bank_code: details.bankCode, country: details.country, account_holder_name: request.accountHolderName,
            is_default: !hasDefault,
          })
          .onConflict('id')
          .ignore();
      });
    },

    async listActiveMethods(input: { customerId: string }): Promise<Array<{ id: string; provider: string; providerMethodId: string }>> {
      const rows = await db('payment_methods').where({ customer_id: input.customerId }).whereNull('detached_at');
      return rows.map((row: Record<string, string>) => ({ id: row.id, provider: row.provider, providerMethodId: row.provider_method_id }));
    },

    /** Detaching twice is fine: the vault treats an already detached method as done. */
    async detachAtProvider(input: { provider: string; providerMethodId: string }): Promise<void> {
      await callProvider(() => vaultOf(providers, input.provider).detach(input.providerMethodId));
    },

    async markMethodDetached(input: { methodId: string }): Promise<void> {
      await db('payment_methods').where({ id: input.methodId }).whereNull('detached_at').update({ detached_at: db.fn.now(), active: false, is_default: false });
    },

    /**
     * Customer erasure at the providers: each provider customer created for this customer is deleted there (with the
     * email, name and methods it holds), then forgotten here. Idempotent: deleting a deleted customer is done.
     */
    async deleteProviderCustomers(input: { customerId: string }): Promise<number> {
      const customer = await db('customers').where({ id: input.customerId }).first('provider_customer_ids');
      const entries = Object.entries((customer?.provider_customer_ids ?? {}) as Record<string, string>);
      for (const [provider, providerCustomerId] of entries) {
        const vault = providerNamed(providers, provider).vault;
        if (vault) await callProvider(() => vault.deleteCustomer(providerCustomerId));
        await db('customers').where({ id: input.customerId }).update({ provider_customer_ids: db.raw('provider_customer_ids - ?::text', [provider]) });
      }
      return entries.length;
    },

    /**
     * Erases personal data and keeps the financial record the law requires: amounts, dates and statuses stay;
     * names, emails and account holders go.
     */
    async anonymizeCustomer(input: { customerId: string }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('customers').where({ id: input.customerId }).update({ email: null, name: null, address: null, vat_id: null, anonymized_at: trx.fn.now(), updated_at: trx.fn.now() });
        await trx('payment_methods').where({ customer_id: input.customerId }).update({ account_holder_name: null });
        await forgetReceiptEmails(trx, input.customerId);
        await trx.raw(
          `update refunds set alternative_method = alternative_method - 'iban' - 'account_holder_name'
           where alternative_method is not null and payment_id in (select id from payments where customer_id = ?)`,
          [input.customerId],
        );
      });
    },
  };
}

export type VaultActivities = ReturnType<typeof createVaultActivities>;
