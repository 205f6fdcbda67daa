import type { Knex } from 'knex';
import { amountLost, type Dispute, disputeFromRow, disputeIdFor, isFinalDispute, judgeDisputeUpdate, paymentUnderDispute } from '../domain/dispute';
import type { EventSource, PaymentEvent } from '../domain/payment';
import type { PaymentStatus } from '../domain/payment-status';
import type { ProviderDisputeState } from '../domain/provider-types';
import type { Database } from '../platform/database';
import { capabilitiesOf } from '../providers/capabilities';
import { providerNamed, type ProviderRegistry } from '../providers/registry';
import { bookDispute } from './ledger-store';
import { recordDisputeEvents } from './merchant-events';
import { toEventRow } from './payment-history';
import { callProvider } from './provider-calls';

export interface RecordedDispute {
  dispute: Dispute;
  /** created: first news of it; applied: it moved forward; ignored: a duplicate, late or backward event. */
  change: 'created' | 'applied' | 'ignored';
  reason?: string;
}

export type PaymentDisputeOutcome = 'updated' | 'unchanged' | 'waiting' | 'no_payment';

const secondsToDate = (seconds: number | null): Date | null => (seconds === null ? null : new Date(seconds * 1000));

/** The engine's payment the dispute is about: the id the provider echoed (if it is ours), else by provider payment id. */
async function findPaymentId(trx: Knex.Transaction, state: Pick<ProviderDisputeState, 'provider' | 'paymentId' | 'providerPaymentId'>): Promise<string | null> {
  if (state.paymentId) {
    const row = await trx('payments').where({ id: state.paymentId }).first('id');
    if (row) return row.id as string;
  }
  if (!state.providerPaymentId) return null;
  const row = await trx('payments').where({ provider: state.provider, provider_payment_id: state.providerPaymentId }).first('id');
  return row ? (row.id as string) : null;
}

/** A history line's type for the dispute's status, as the payment shows it. */
function historyType(status: Dispute['status'], firstTime: boolean): string {
  if (firstTime && !isFinalDispute(status)) return 'dispute.opened';
  return `dispute.${status}`;
}

export function createDisputeActivities({ db, providers }: { db: Database; providers: ProviderRegistry }) {
  return {
    /**
     * Records what the provider says of a dispute, one row per provider dispute. Statuses only move forward
     * (domain/dispute.ts), so duplicated, late and reordered events leave the row right; retries change nothing.
     */
    async recordDisputeState(input: { state: ProviderDisputeState; webhookEventId: number | null }): Promise<RecordedDispute> {
      const { state } = input;
      const id = disputeIdFor(state.provider, state.providerDisputeId);
      return db.transaction(async (trx) => {
        const paymentId = await findPaymentId(trx, state);
        const final = isFinalDispute(state.status);
        const inserted = await trx('disputes')
          .insert({
            id, provider: state.provider, provider_dispute_id: state.providerDisputeId, provider_payment_id: state.providerPaymentId,
            payment_id: paymentId, amount: state.amount, currency: state.currency.toLowerCase(), reason: state.reason, status: state.status,
            provider_status: state.providerStatus, evidence_due_by: secondsToDate(state.evidenceDueBy),
            amount_lost: amountLost(state.status, state.amount), provider_url: state.providerUrl, closed_at: final ? trx.fn.now() : null,
          })
          .onConflict('id')
          .ignore()
          .returning('id');
        let change: RecordedDispute['change'] = 'created';
        let reason: string | undefined;
        if (inserted.length === 0) {
          const row = await trx('disputes').where({ id }).forUpdate().first();
          const verdict = judgeDisputeUpdate(row.status, state.status);
          const known = {
            payment_id: row.payment_id ?? paymentId,
            provider_payment_id: row.provider_payment_id ?? state.providerPaymentId,
            provider_url: row.provider_url ?? state.providerUrl,
          };
          if (verdict.kind === 'apply') {
            change = 'applied';
            await trx('disputes').where({ id }).update({
              ...known, status: state.status, provider_status: state.providerStatus, amount: state.amount, reason: state.reason,
              evidence_due_by: state.evidenceDueBy === null ? row.evidence_due_by : secondsToDate(state.evidenceDueBy),
              amount_lost: amountLost(state.status, state.amount), updated_at: trx.fn.now(), closed_at: final ? trx.fn.now() : null,
            });
          } else {
            change = 'ignored';
            reason = verdict.reason;
            await trx('disputes').where({ id }).update(known);
          }
        }
        if (input.webhookEventId !== null) {
          await trx('webhook_events').where({ id: input.webhookEventId }).whereNull('processed_at').update({ processed_at: trx.fn.now() });
        }
        await recordDisputeEvents(trx, id);
        const row = await trx('disputes').where({ id }).first();
        return { dispute: disputeFromRow(row), change, ...(reason ? { reason } : {}) };
      });
    },

    /**
     * Shows the dispute on its payment: disputed while open or lost, back to its earlier status when won, with a
     * history line. It writes the dispute's own row (which status the payment shows, since when), never the payment's:
     * payment_records derives the payment's status and dispute reference from it. A payment is only marked once its
     * workflow has finished with it (a final status).
     */
    async applyDisputeToPayment(input: { disputeId: string; source: Extract<EventSource, 'webhook' | 'sync'> }): Promise<{ outcome: PaymentDisputeOutcome; paymentStatus: PaymentStatus | null }> {
      return db.transaction(async (trx) => {
        const dispute = await trx('disputes').where({ id: input.disputeId }).forUpdate().first();
        if (!dispute) return { outcome: 'no_payment', paymentStatus: null };
        // The payment may have been imported (provider sync) since the dispute was first recorded.
        const paymentId = dispute.payment_id ?? (await findPaymentId(trx, { provider: dispute.provider, paymentId: null, providerPaymentId: dispute.provider_payment_id }));
        if (!paymentId) return { outcome: 'no_payment', paymentStatus: null };
        if (!dispute.payment_id) await trx('disputes').where({ id: dispute.id }).update({ payment_id: paymentId });
        await trx('payments').where({ id: paymentId }).forUpdate().first('id');
        const payment = await trx('payment_records').where({ id: paymentId }).first();
        let statusBefore = (dispute.payment_status_before as PaymentStatus | null) ?? null;
        if (!statusBefore && payment.status === 'disputed' && payment.dispute_id && payment.dispute_id !== dispute.id) {
          // Disputed twice (PayPal allows it): the first dispute knows what the payment was.
          const other = await trx('disputes').where({ id: payment.dispute_id }).first('payment_status_before');
          statusBefore = (other?.payment_status_before as PaymentStatus | null) ?? null;
        }
        const change = paymentUnderDispute(
          { status: payment.status, amount_captured: Number(payment.amount_captured), amount_refunded: Number(payment.amount_refunded), dispute_id: payment.dispute_id, dispute_status: payment.dispute_status },
          { id: dispute.id, status: dispute.status, statusBefore },
        );
        if (change.kind === 'unchanged') return { outcome: 'unchanged', paymentStatus: payment.status };
        if (change.kind === 'wait') return { outcome: 'waiting', paymentStatus: payment.status };
        await bookDispute(trx, dispute.id, paymentId);
        await trx('disputes').where({ id: dispute.id }).update({
          shown_status: change.disputeStatus, shown_at: trx.fn.now(),
          ...(dispute.payment_status_before ? {} : { payment_status_before: change.statusBefore }),
        });
        const type = historyType(dispute.status, payment.dispute_id !== dispute.id);
        const event: PaymentEvent = {
          dedupe_key: `${paymentId}:dispute:${dispute.id}:${type}`,
          payment_id: paymentId,
          type,
          from_status: payment.status,
          to_status: change.status,
          source: input.source,
          actor: `${dispute.provider}:${input.source}`,
          data: {
            dispute_id: dispute.id, provider_dispute_id: dispute.provider_dispute_id, dispute_status: dispute.status,
            amount: Number(dispute.amount), currency: dispute.currency, reason: dispute.reason,
            evidence_due_by: disputeFromRow(dispute).evidence_due_by, amount_lost: Number(dispute.amount_lost),
          },
          occurred_at: new Date().toISOString(),
        };
        await trx('payment_events').insert(toEventRow(event)).onConflict('dedupe_key').ignore();
        return { outcome: 'updated', paymentStatus: change.status };
      });
    },

    /** The dispute as the provider sees it now; null when the provider can't be asked (no getDispute). */
    async getProviderDispute(input: { provider: string; providerDisputeId: string }): Promise<ProviderDisputeState | null> {
      const provider = providerNamed(providers, input.provider);
      if (!capabilitiesOf(provider.name).pollsDisputes || !provider.getDispute) return null;
      return callProvider(() => provider.getDispute!(input.providerDisputeId));
    },
  };
}

export type DisputeActivities = ReturnType<typeof createDisputeActivities>;
