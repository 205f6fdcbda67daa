import type { EventSource } from '../domain/payment';
import type { CreateRefundRequest, ProviderRefundState } from '../domain/provider-types';
import {
  type AutoApprovalRule, checkRefundPolicy, qualifiesForAutoApproval, type Refund, type RefundPolicyVerdict,
  RELEASED_REFUND_STATUSES, RESERVING_STATUSES,
} from '../domain/refund';
import type { Database } from '../platform/database';
import { providerNamed, type ProviderRegistry } from '../providers/registry';
import { bookSucceededRefund } from './ledger-store';
import { issueCreditNoteOnRefund } from './document-issuer';
import { recordRefundEvents } from './merchant-events';
import { callProvider } from './provider-calls';
import { type CustomerContact, findCustomerContact } from './customer-contact';

export type { CustomerContact } from './customer-contact';

export interface RefundHistoryLine {
  type: string;
  source: EventSource;
  actor: string;
  data: Record<string, unknown>;
}

export type ReservationResult =
  | {
      ok: true;
      refund: Refund;
      payment: { provider: string; provider_payment_id: string | null; created_at: string };
      /** Claimed under the per-payment cap in the reserving transaction; absent when no rule was passed (and in older histories). */
      autoApproved?: boolean;
    }
  | Extract<RefundPolicyVerdict, { ok: false }>;

function toRefundRow(refund: Refund, version: number) {
  const { object: _object, ...columns } = refund;
  return {
    ...columns,
    alternative_method: refund.alternative_method ? JSON.stringify(refund.alternative_method) : null,
    reserves_amount: RESERVING_STATUSES.includes(refund.status),
    state_version: version,
    updated_at: new Date(),
  };
}

/**
 * Locks the payment's row (refunds of one payment reserve and complete one at a time) and reads its record: the
 * charge with what refunds and disputes made of it (payment_records).
 */
async function lockPaymentRecord(trx: Database, paymentId: string) {
  const locked = await trx('payments').where({ id: paymentId }).forUpdate().first('id');
  return locked ? trx('payment_records').where({ id: paymentId }).first() : undefined;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value));

async function appendHistory(trx: Database, refund: Refund, version: number, line: RefundHistoryLine, extra: { from?: string; to?: string } = {}) {
  await trx('payment_events')
    .insert({
      dedupe_key: `${refund.id}:v${version}`,
      payment_id: refund.payment_id,
      type: line.type,
      from_status: extra.from ?? null,
      to_status: extra.to ?? null,
      source: line.source,
      actor: line.actor,
      data: JSON.stringify({ refund_id: refund.id, amount: refund.amount, refund_status: refund.status, ...line.data }),
      occurred_at: new Date(),
    })
    .onConflict('dedupe_key')
    .ignore();
}

export function createRefundActivities({ db, providers }: { db: Database; providers: ProviderRegistry }) {
  return {
    /**
     * Checks the refund policy and reserves the amount in one transaction, with the payment row locked, so
     * concurrent requests can never reserve more than was paid. Retrying it (or re-reserving on appeal) is safe.
     */
    async reserveRefund(input: {
      refund: Refund; requestedAmount: number | null; windowDays: number; now: number; version: number;
      /** Decide auto-approval here, under the payment lock, against what this rule already approved on the payment. */
      autoApproval?: AutoApprovalRule | null;
    }): Promise<ReservationResult> {
      return db.transaction(async (trx) => {
        const payment = await lockPaymentRecord(trx, input.refund.payment_id);
        if (!payment) return { ok: false, kind: 'not_found', code: 'payment_not_refundable', message: 'No such payment.' } as const;
        const existing = await trx('refunds').where({ id: input.refund.id }).first();
        const paymentView = { provider: payment.provider, provider_payment_id: payment.provider_payment_id, created_at: iso(payment.created_at) };
        const decides = input.autoApproval !== undefined;
        if (existing?.reserves_amount) {
          return { ok: true, refund: { ...input.refund, amount: Number(existing.amount) }, payment: paymentView, ...(decides ? { autoApproved: Boolean(existing.auto_approved) } : {}) };
        }
        const [{ reserved }] = await trx('refunds')
          .where({ payment_id: payment.id, reserves_amount: true })
          .whereNot({ id: input.refund.id })
          .sum({ reserved: 'amount' });
        const verdict = checkRefundPolicy({
          payment: { status: payment.status, amount_captured: Number(payment.amount_captured), amount_refunded: Number(payment.amount_refunded), created_at: iso(payment.created_at) },
          reservedByOthers: Number(reserved ?? 0),
          requestedAmount: input.requestedAmount,
          now: input.now,
          windowDays: input.windowDays,
        });
        if (!verdict.ok) return verdict;
        const refund: Refund = { ...input.refund, amount: verdict.amount, currency: payment.currency };
        let autoApproved: boolean | undefined;
        if (decides) {
          const [{ approved }] = await trx('refunds')
            .where({ payment_id: payment.id, auto_approved: true })
            .whereNotIn('status', RELEASED_REFUND_STATUSES)
            .whereNot({ id: refund.id })
            .sum({ approved: 'amount' });
          autoApproved = qualifiesForAutoApproval(input.autoApproval ?? null, refund.amount, paymentView.created_at, input.now, Number(approved ?? 0));
        }
        const row = { ...toRefundRow(refund, input.version), ...(autoApproved ? { auto_approved: true } : {}) };
        await trx('refunds').insert(row).onConflict('id').merge();
        await appendHistory(trx, refund, input.version, { type: 'refund.requested', source: 'api', actor: refund.requested_by, data: { reason: refund.reason } });
        await recordRefundEvents(trx, refund.id);
        return { ok: true, refund, payment: paymentView, ...(decides ? { autoApproved } : {}) };
      });
    },

    /**
     * Before money leaves again (a provider refund, or a bank transfer an admin is about to send): with the payment
     * locked, what was refunded (provider refunds, imported dashboard refunds, bank payouts) plus the other
     * reservations plus this refund must still fit in what was captured.
     */
    async recheckRefundRoom(input: { refundId: string }): Promise<{ ok: true } | { ok: false; remaining: number }> {
      return db.transaction(async (trx) => {
        const refund = await trx('refunds').where({ id: input.refundId }).first('payment_id', 'amount');
        const payment = await lockPaymentRecord(trx, refund.payment_id);
        const [{ reserved }] = await trx('refunds').where({ payment_id: refund.payment_id, reserves_amount: true }).whereNot({ id: input.refundId }).sum({ reserved: 'amount' });
        const remaining = Number(payment.amount_captured) - Number(payment.amount_refunded) - Number(reserved ?? 0);
        return Number(refund.amount) <= remaining ? { ok: true } : { ok: false, remaining: Math.max(0, remaining) };
      });
    },

    /** Writes the refund's new state and one history line; older or repeated writes change nothing. */
    async saveRefund(input: { refund: Refund; version: number; line: RefundHistoryLine }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('refunds').where({ id: input.refund.id }).where('state_version', '<', input.version).update(toRefundRow(input.refund, input.version));
        await appendHistory(trx, input.refund, input.version, input.line);
        await recordRefundEvents(trx, input.refund.id);
      });
    },

    /**
     * Books the money as returned, exactly once: the refund's own row succeeds (payment_records then counts it into the
     * payment's amount_refunded and status), with its ledger entry, credit note and history line. The payment row
     * itself is only locked, never written: no save of the payment workflow can overwrite a refund.
     */
    async completeRefund(input: { refund: Refund; version: number; line: RefundHistoryLine }): Promise<{ paymentStatus: string }> {
      return db.transaction(async (trx) => {
        const payment = await lockPaymentRecord(trx, input.refund.payment_id);
        const current = await trx('refunds').where({ id: input.refund.id }).forUpdate().first();
        if (current.status === 'succeeded') return { paymentStatus: payment.status };
        await trx('refunds').where({ id: input.refund.id }).update(toRefundRow(input.refund, input.version));
        const { status } = await trx('payment_records').where({ id: payment.id }).first('status');
        await bookSucceededRefund(trx, input.refund.id);
        await appendHistory(trx, input.refund, input.version, input.line, { from: payment.status, to: status });
        await issueCreditNoteOnRefund(trx, input.refund.id);
        await recordRefundEvents(trx, input.refund.id);
        return { paymentStatus: status };
      });
    },

    async createProviderRefund(input: CreateRefundRequest & { provider: string }): Promise<ProviderRefundState> {
      return callProvider(() => providerNamed(providers, input.provider).refund(input));
    },

    async getProviderRefund(input: { provider: string; providerRefundId: string }): Promise<ProviderRefundState> {
      return callProvider(() => providerNamed(providers, input.provider).getRefund(input.providerRefundId));
    },

    /** The payer's address: the merchant's customer record first, then the payment's receipt_email. */
    async findCustomerContact(input: { paymentId: string }): Promise<CustomerContact | null> {
      return findCustomerContact(db, input.paymentId);
    },
  };
}

export type RefundActivities = ReturnType<typeof createRefundActivities>;
