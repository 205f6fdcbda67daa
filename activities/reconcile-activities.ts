import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { differencesOf, type LedgerDifference, type PaymentFigures } from '../domain/reconciliation';
import type { Database } from '../platform/database';
import { providerNamed, type ProviderRegistry } from '../providers/registry';

/** At most this many differences travel back to the workflow (and into the alert): the count says if there were more. */
const MAX_DIFFERENCES = 100;

export interface CurrencyTotals {
  currency: string;
  ledger: { captured: number; refunded: number; disputed: number };
  payments: { captured: number; refunded: number; disputed: number };
}

export interface Comparison {
  checked: number;
  differenceCount: number;
  differences: LedgerDifference[];
}

type Row = Record<string, unknown>;

/** Per payment: captured (revenue), refunded (all, and through the provider only), lost to disputes. */
const LEDGER_BY_PAYMENT = `
  select t.payment_id,
         coalesce(sum(case when p.account = 'revenue' then case when p.direction = 'credit' then p.amount else -p.amount end end), 0) as captured,
         coalesce(sum(case when p.account = 'refunds' then case when p.direction = 'debit' then p.amount else -p.amount end end), 0) as refunded,
         coalesce(sum(case when p.account = 'refunds' and t.kind = 'refund' then case when p.direction = 'debit' then p.amount else -p.amount end end), 0) as refunded_through_provider,
         coalesce(sum(case when p.account = 'disputes:lost' then case when p.direction = 'debit' then p.amount else -p.amount end end), 0) as disputed
    from ledger_transactions t join ledger_postings p on p.transaction_id = t.id
   where p.account in ('revenue', 'refunds', 'disputes:lost') %FILTER%
   group by t.payment_id`;

/**
 * Payments whose bookkeeping is under way (the step after the API's answer: payments.bookkeeping_due) are left for the
 * next run: their ledger entry is being written, not missing. Not for ever: one still due an hour after its last
 * change (its workflow terminated by hand, say) is compared like any other, so its missing entry shows.
 */
const NOT_BOOKING = `not (m.bookkeeping_due and m.updated_at > now() - interval '1 hour')`;

function figuresOf(row: Row): PaymentFigures {
  return {
    payment_id: row.id as string, provider: row.provider as string, provider_payment_id: (row.provider_payment_id as string | null) ?? null, currency: row.currency as string,
    ledger: row.ledger_captured === null ? null : {
      captured: Number(row.ledger_captured), refunded: Number(row.ledger_refunded), refundedThroughProvider: Number(row.ledger_refunded_through_provider), disputed: Number(row.ledger_disputed),
    },
    payments: { captured: Number(row.amount_captured), refunded: Number(row.amount_refunded), disputed: Number(row.dispute_amount_lost ?? 0) },
  };
}

const PAYMENT_COLUMNS = `m.id, m.provider, m.provider_payment_id, m.currency, m.amount_captured, m.amount_refunded, m.dispute_amount_lost,
  l.captured as ledger_captured, l.refunded as ledger_refunded, l.refunded_through_provider as ledger_refunded_through_provider, l.disputed as ledger_disputed`;

async function paymentFigures(db: Database | Knex.Transaction, providerName: string, providerPaymentIds: string[], window: { from: number; to: number }): Promise<Row[]> {
  const { rows } = await db.raw(
    `with l as (${LEDGER_BY_PAYMENT.replace('%FILTER%', 'and t.provider = ?')})
     select ${PAYMENT_COLUMNS}, not ${NOT_BOOKING} as booking from payment_records m left join l on l.payment_id = m.id
      where m.provider = ? and (m.provider_payment_id = any(?::text[]) or (m.created_at >= to_timestamp(?) and m.created_at < to_timestamp(?)))`,
    [providerName, providerName, providerPaymentIds, window.from, window.to],
  );
  return rows;
}

export function createReconcileActivities({ db, providers }: { db: Database; providers: ProviderRegistry }) {
  return {
    /** Every payment's record against its ledger entries, and the totals per currency. Reads only. */
    async compareLedgerWithPayments(): Promise<Comparison & { totals: CurrencyTotals[] }> {
      const { rows } = await db.raw(
        `with l as (${LEDGER_BY_PAYMENT.replace('%FILTER%', '')})
         select ${PAYMENT_COLUMNS} from payment_records m left join l on l.payment_id = m.id
          where (m.amount_captured <> coalesce(l.captured, 0) or m.amount_refunded <> coalesce(l.refunded, 0)
             or coalesce(m.dispute_amount_lost, 0) <> coalesce(l.disputed, 0))
            and ${NOT_BOOKING}
          order by m.created_at, m.id`,
      );
      const differences = rows.flatMap((row: Row) => differencesOf(figuresOf(row)));
      const { rows: totals } = await db.raw(
        `with l as (${LEDGER_BY_PAYMENT.replace('%FILTER%', '')}),
              lt as (select m.currency, sum(l.captured) as captured, sum(l.refunded) as refunded, sum(l.disputed) as disputed from l join payments m on m.id = l.payment_id where ${NOT_BOOKING} group by m.currency),
              pt as (select currency, sum(amount_captured) as captured, sum(amount_refunded) as refunded, sum(coalesce(dispute_amount_lost, 0)) as disputed from payment_records m where ${NOT_BOOKING} group by currency)
         select pt.currency, coalesce(lt.captured, 0) as l_captured, coalesce(lt.refunded, 0) as l_refunded, coalesce(lt.disputed, 0) as l_disputed,
                pt.captured as p_captured, pt.refunded as p_refunded, pt.disputed as p_disputed, (select count(*) from payments) as checked
           from pt left join lt on lt.currency = pt.currency order by pt.currency`,
      );
      return {
        checked: Number(totals[0]?.checked ?? 0), differenceCount: differences.length, differences: differences.slice(0, MAX_DIFFERENCES),
        totals: totals.map((row: Row) => ({
          currency: row.currency as string,
          ledger: { captured: Number(row.l_captured), refunded: Number(row.l_refunded), disputed: Number(row.l_disputed) },
          payments: { captured: Number(row.p_captured), refunded: Number(row.p_refunded), disputed: Number(row.p_disputed) },
        })),
      };
    },

    /**
     * The provider's own figures for the payments it lists in the window (created then; their refunds up to now),
     * through the same listings provider sync reads, against the ledger and the records. Applies nothing: what sync
     * would import or repair shows up here as a difference. Providers that can't list (PayPal) are skipped.
     */
    async compareLedgerWithProvider(input: { provider: string; window: { from: number; to: number } }): Promise<Comparison & { listed: boolean }> {
      const provider = providerNamed(providers, input.provider);
      if (!provider.listsPayments) return { listed: false, checked: 0, differenceCount: 0, differences: [] };
      const context = Context.current();
      const atProvider = new Map<string, { captured: number; refunded: number; currency: string }>();
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page = await provider.listPayments(input.window, cursor);
        for (const state of page.items) atProvider.set(state.providerPaymentId, { captured: state.amountCaptured, refunded: 0, currency: state.currency.toLowerCase() });
        cursor = page.nextCursor;
        context.heartbeat({ phase: 'payments', listed: atProvider.size });
      }
      const refundsUntil = Math.max(input.window.to, Math.floor(Date.now() / 1000) + 1);
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const page = await provider.listRefunds({ from: input.window.from, to: refundsUntil }, cursor);
        for (const refund of page.items) {
          const payment = refund.providerPaymentId ? atProvider.get(refund.providerPaymentId) : undefined;
          if (payment && refund.status === 'succeeded') payment.refunded += refund.amount;
        }
        cursor = page.nextCursor;
        context.heartbeat({ phase: 'refunds', listed: atProvider.size });
      }
      const local = await paymentFigures(db, provider.name, [...atProvider.keys()], input.window);
      const differences: LedgerDifference[] = [];
      const seen = new Set<string>();
      for (const row of local) {
        const figures = figuresOf(row);
        const providerId = figures.provider_payment_id;
        if (providerId) seen.add(providerId);
        if (row.booking) continue;
        const listed = providerId ? atProvider.get(providerId) : undefined;
        // A local payment the provider doesn't list matters only if money moved.
        if (!listed && figures.payments!.captured === 0 && !figures.ledger?.captured) continue;
        differences.push(...differencesOf({ ...figures, provider_figures: listed ? { captured: listed.captured, refunded: listed.refunded } : null }));
      }
      for (const [providerPaymentId, listed] of atProvider) {
        if (seen.has(providerPaymentId) || (listed.captured === 0 && listed.refunded === 0)) continue;
        differences.push(...differencesOf({
          payment_id: null, provider: provider.name, provider_payment_id: providerPaymentId, currency: listed.currency, ledger: null, payments: null, provider_figures: listed,
        }));
      }
      return { listed: true, checked: atProvider.size, differenceCount: differences.length, differences: differences.slice(0, MAX_DIFFERENCES) };
    },

    /** Payment attempts that ended (failed, or authorized or paid) in [fromMs, toMs), from the payments' history. */
    async countPaymentOutcomes(input: { fromMs: number; toMs: number }): Promise<{ attempts: number; failed: number }> {
      const [row] = await db('payment_events')
        .where('occurred_at', '>=', new Date(input.fromMs))
        .where('occurred_at', '<', new Date(input.toMs))
        .select(
          db.raw(`count(*) filter (where to_status = 'failed') as failed`),
          // Authorized then captured, or a dispute won back, is still one attempt.
          db.raw(`count(*) filter (where to_status in ('succeeded', 'requires_capture') and coalesce(from_status, '') not in ('requires_capture', 'disputed', 'succeeded')) as succeeded`),
        );
      const failed = Number(row.failed);
      return { attempts: failed + Number(row.succeeded), failed };
    },
  };
}

export type ReconcileActivities = ReturnType<typeof createReconcileActivities>;
