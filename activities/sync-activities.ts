import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { hidesClientSecret, type PaymentEvent } from '../domain/payment';
import { TERMINAL_STATUSES, type PaymentStatus } from '../domain/payment-status';
import {
  addCounts, EMPTY_SYNC_COUNTS, judgePaymentSync, nextCursor, rateLimitDelaySeconds, refundLags, resolveSyncWindow,
  type SyncCounts, type SyncTrigger, type SyncWindow,
} from '../domain/provider-sync';
import { judgeProviderMoney, type MoneyMismatchAlert, moneyMismatchAlert } from '../domain/provider-money';
import type { ProviderPaymentState, ProviderRefundState } from '../domain/provider-types';
import { paymentStatusAfterRefund, type RefundStatus } from '../domain/refund';
import type { Database } from '../platform/database';
import { capabilitiesOf } from '../providers/capabilities';
import { providerNamed, type ProviderRegistry } from '../providers/registry';
import { type PaymentProvider, ProviderRateLimitError, ProviderRequestError } from '../providers/types';
import { bookImportedRefund, bookPaymentCapture } from './ledger-store';
import { issueInvoiceOnSuccess } from './document-issuer';
import { recordPaymentEvents } from './merchant-events';
import { toEventRow } from './payment-history';
import { correctFinishedPayment, insertImportedPayment } from './payment-record-writer';

/** The failure type a rate-limited listing throws: retried after the provider's delay. */
export const PROVIDER_RATE_LIMITED_FAILURE = 'ProviderRateLimited';

/** A known payment the provider shows further along than the engine: its workflow gets a signal, or the row a correction. */
export interface LaggingPayment {
  paymentId: string;
  state: ProviderPaymentState;
}

/** A refund still processing locally that the provider has settled. */
export interface LaggingRefund {
  refundId: string;
  state: ProviderRefundState;
}

export interface SyncListing {
  counts: SyncCounts;
  laggingPayments: LaggingPayment[];
  laggingRefunds: LaggingRefund[];
}

type Phase = 'payments' | 'refunds' | 'local_payments' | 'local_refunds';

/** What the listing activity heartbeats: enough to resume on the next attempt without reading a finished page again. */
export interface ListingProgress extends SyncListing {
  phase: Phase;
  /** The cursor the current page was (or will be) fetched with. */
  cursor: string | null;
  /** Items of the current page already applied. */
  offset: number;
  pagesRead: number;
}

const PAGE_SIZE = 100;

/** A payment made outside the engine gets an id derived from the provider's, so importing it again is a no-op. */
export function importedPaymentId(provider: string, providerPaymentId: string): string {
  return `pay_${createHash('sha256').update(`${provider}:${providerPaymentId}`).digest('hex').slice(0, 24)}`;
}

function rateLimited(error: ProviderRateLimitError): ApplicationFailure {
  const delaySeconds = rateLimitDelaySeconds(error.retryAfterSeconds, Context.current().info.attempt);
  return ApplicationFailure.create({
    type: PROVIDER_RATE_LIMITED_FAILURE,
    message: `${error.message} (retrying in ${delaySeconds}s)`,
    nextRetryDelay: delaySeconds * 1000,
    details: [{ retryAfterSeconds: error.retryAfterSeconds }],
  });
}

const nowIso = () => new Date().toISOString();

/** Heartbeat details are encoded after the call returns: hand over a copy, not the object the loop keeps changing. */
const snapshot = (progress: ListingProgress): ListingProgress => ({
  ...progress, counts: { ...progress.counts }, laggingPayments: [...progress.laggingPayments], laggingRefunds: [...progress.laggingRefunds],
});

/** Client secrets stay out of sync histories; the engine keeps the one it has. */
const withoutSecrets = (state: ProviderPaymentState): ProviderPaymentState => ({ ...state, clientSecret: null });

export interface SyncActivityDependencies {
  db: Database;
  providers: ProviderRegistry;
  /** Stores and emails an operator alert once (activities/alert-activities.ts); absent: alerts are only logged. */
  raiseAlert?: (alert: MoneyMismatchAlert) => Promise<unknown>;
}

export function createSyncActivities({ db, providers, raiseAlert }: SyncActivityDependencies) {
  const log = (message: string, attributes: Record<string, unknown>) => Context.current().log.warn(message, attributes);

  async function importPayment(provider: PaymentProvider, state: ProviderPaymentState, workflowId: string): Promise<boolean> {
    const id = importedPaymentId(provider.name, state.providerPaymentId);
    const failure = state.status === 'failed' ? state.failure : null;
    const createdAt = state.createdAt ? new Date(state.createdAt * 1000) : new Date();
    return db.transaction(async (trx) => {
      const inserted = await insertImportedPayment(trx, {
        id, status: state.status, amount: state.amount, currency: state.currency.toLowerCase(),
        capture_method: state.status === 'requires_capture' ? 'manual' : 'automatic',
        amount_captured: state.amountCaptured, provider: provider.name,
        provider_payment_id: state.providerPaymentId, payment_method_type: capabilitiesOf(provider.name).importedMethodType ?? 'card',
        failure_code: failure?.failure_code ?? null, failure_message: failure?.failure_message ?? null,
        failure_details: failure ? { provider_code: failure.provider_code, provider_decline_code: failure.provider_decline_code, provider_message: failure.provider_message } : null,
        description: state.description ?? null, metadata: state.metadata ?? {}, created_at: createdAt,
      });
      if (!inserted) return false;
      await bookPaymentCapture(trx, id, createdAt);
      const event: PaymentEvent = {
        dedupe_key: `${id}:imported`, payment_id: id, type: 'payment.imported', from_status: null, to_status: state.status,
        source: 'sync', actor: `${provider.name}:sync`,
        data: { provider_payment_id: state.providerPaymentId, provider_status: state.providerStatus, sync_workflow_id: workflowId },
        occurred_at: nowIso(),
      };
      await trx('payment_events').insert(toEventRow(event)).onConflict('dedupe_key').ignore();
      await recordPaymentEvents(trx, id);
      return true;
    });
  }

  /** Applies one provider payment: import, note as lagging, or count as unchanged. */
  async function applyPayment(provider: PaymentProvider, state: ProviderPaymentState, progress: ListingProgress, workflowId: string): Promise<Partial<SyncCounts>> {
    const columns = ['id', 'status', 'provider', 'provider_payment_id', 'amount', 'currency'];
    const local =
      (state.paymentId ? await db('payments').where({ id: state.paymentId }).first(columns) : undefined) ??
      (await db('payments').where({ provider: provider.name, provider_payment_id: state.providerPaymentId }).first(columns));
    if (!local) {
      // The engine's own id without a row here: another installation's payment on the same account, not ours to import.
      if (state.paymentId) return { unchanged: 1 };
      return (await importPayment(provider, state, workflowId)) ? { imported: 1 } : { unchanged: 1 };
    }
    // The provider holds money the engine doesn't count (a failed payment charged, a second attempt charged).
    const mismatch = judgeProviderMoney(local, state);
    if (mismatch) {
      const alert = moneyMismatchAlert({ ...local, amount: Number(local.amount) }, state, mismatch, 'sync');
      log('provider holds money the engine does not count', alert.data);
      await raiseAlert?.(alert);
    }
    // An earlier attempt's provider payment (a retried payment has moved on to another one) says nothing about today's.
    if (local.provider_payment_id && local.provider_payment_id !== state.providerPaymentId) return { unchanged: 1 };
    const verdict = judgePaymentSync(local.status as PaymentStatus, state.status);
    if (verdict.kind === 'repair') {
      progress.laggingPayments.push({ paymentId: local.id, state: withoutSecrets(state) });
      return {};
    }
    return { unchanged: 1 };
  }

  /**
   * A succeeded refund made outside the engine, on a payment the engine knows: recorded once, as its own history line
   * (`refund.imported`, which payment_records counts into amount_refunded), and booked.
   */
  async function importRefund(provider: PaymentProvider, state: ProviderRefundState, workflowId: string): Promise<boolean> {
    if (state.status !== 'succeeded' || !state.providerPaymentId) return false;
    return db.transaction(async (trx) => {
      const locked = await trx('payments').where({ provider: provider.name, provider_payment_id: state.providerPaymentId }).forUpdate().first('id');
      if (!locked) return false;
      const payment = await trx('payment_records').where({ id: locked.id }).first('id', 'status', 'amount_captured', 'amount_refunded');
      const captured = Number(payment.amount_captured);
      const refunded = Math.min(captured, Number(payment.amount_refunded) + state.amount);
      const refundable = payment.status === 'succeeded' || payment.status === 'partially_refunded';
      const status: PaymentStatus = refundable ? paymentStatusAfterRefund(captured, refunded) : payment.status;
      const event: PaymentEvent = {
        dedupe_key: `${payment.id}:refund-imported:${state.providerRefundId}`, payment_id: payment.id, type: 'refund.imported',
        from_status: payment.status, to_status: status, source: 'sync', actor: `${provider.name}:sync`,
        data: { provider_refund_id: state.providerRefundId, amount: state.amount, sync_workflow_id: workflowId },
        occurred_at: nowIso(),
      };
      const inserted = await trx('payment_events').insert(toEventRow(event)).onConflict('dedupe_key').ignore().returning('id');
      if (inserted.length === 0) return false;
      // What the record gained (never beyond what was captured), so ledger and record stay equal.
      await bookImportedRefund(trx, payment.id, { ...state, amount: refunded - Number(payment.amount_refunded) });
      return true;
    });
  }

  async function applyRefund(provider: PaymentProvider, state: ProviderRefundState, progress: ListingProgress, workflowId: string): Promise<Partial<SyncCounts>> {
    const local =
      (state.refundId ? await db('refunds').where({ id: state.refundId }).first('id', 'status') : undefined) ??
      (await db('refunds').where({ provider_refund_id: state.providerRefundId }).first('id', 'status'));
    if (local) {
      if (refundLags(local.status as RefundStatus, state.status)) {
        progress.laggingRefunds.push({ refundId: local.id, state });
        return {};
      }
      return { unchanged: 1 };
    }
    if (state.refundId) return { unchanged: 1 };
    return (await importRefund(provider, state, workflowId)) ? { imported: 1 } : { unchanged: 1 };
  }

  /** One page of what the provider lists, or of the engine's own non-final objects to verify one by one. */
  async function readPage(provider: PaymentProvider, window: SyncWindow, progress: ListingProgress, workflowId: string): Promise<{ items: Array<() => Promise<Partial<SyncCounts>>>; next: string | null }> {
    const range = { from: window.from, to: window.to };
    if (progress.phase === 'payments') {
      const page = await provider.listPayments(range, progress.cursor);
      return { items: page.items.map((state) => () => applyPayment(provider, state, progress, workflowId)), next: page.nextCursor };
    }
    if (progress.phase === 'refunds') {
      const page = await provider.listRefunds(range, progress.cursor);
      return { items: page.items.map((state) => () => applyRefund(provider, state, progress, workflowId)), next: page.nextCursor };
    }
    if (progress.phase === 'local_payments') {
      const rows: Array<{ id: string; provider_payment_id: string }> = await db('payments')
        .where({ provider: provider.name })
        .whereNotIn('status', TERMINAL_STATUSES)
        .whereNotNull('provider_payment_id')
        .where('id', '>', progress.cursor ?? '')
        .orderBy('id')
        .limit(PAGE_SIZE)
        .select('id', 'provider_payment_id');
      const items = rows.map((row) => async () => applyPayment(provider, { ...(await provider.getPayment(row.provider_payment_id)), paymentId: row.id }, progress, workflowId));
      return { items, next: rows.length === PAGE_SIZE ? rows[rows.length - 1].id : null };
    }
    const rows: Array<{ id: string; provider_refund_id: string }> = await db('refunds')
      .join('payments', 'payments.id', 'refunds.payment_id')
      .where('payments.provider', provider.name)
      .where('refunds.status', 'processing')
      .whereNotNull('refunds.provider_refund_id')
      .where('refunds.id', '>', progress.cursor ?? '')
      .orderBy('refunds.id')
      .limit(PAGE_SIZE)
      .select('refunds.id', 'refunds.provider_refund_id');
    const items = rows.map((row) => async () => applyRefund(provider, { ...(await provider.getRefund(row.provider_refund_id)), refundId: row.id }, progress, workflowId));
    return { items, next: rows.length === PAGE_SIZE ? rows[rows.length - 1].id : null };
  }

  return {
    /** Opens the run: its window (explicit, or from the provider's cursor to now) is fixed once, so retries read the same one. */
    async beginSyncRun(input: { workflowId: string; provider: string; trigger: SyncTrigger; from?: number; to?: number }): Promise<SyncWindow> {
      const existing = await db('sync_runs').where({ workflow_id: input.workflowId }).first();
      if (!existing) {
        const cursor = await db('sync_cursors').where({ provider: input.provider }).first('synced_until');
        const window = resolveSyncWindow({
          // The end is exclusive: reach past the current second so what was created in it is included.
          from: input.from, to: input.to, cursor: cursor ? Number(cursor.synced_until) : null, now: Math.floor(Date.now() / 1000) + 1,
        });
        await db('sync_runs')
          .insert({
            workflow_id: input.workflowId, provider: input.provider, trigger: input.trigger,
            window_from: window.from, window_to: window.to, status: 'running', counts: JSON.stringify(EMPTY_SYNC_COUNTS),
          })
          .onConflict('workflow_id')
          .ignore();
      }
      const row = await db('sync_runs').where({ workflow_id: input.workflowId }).first('window_from', 'window_to');
      return { from: Number(row.window_from), to: Number(row.window_to) };
    },

    /**
     * Reads everything the provider has for the window, page by page, and applies what it can itself (imports,
     * unchanged). Lagging payments and refunds go back to the workflow, which signals their workflows. Heartbeats
     * its cursor and counts after every item; a retried attempt resumes from the last heartbeat.
     */
    async listProviderChanges(input: { workflowId: string; provider: string; window: SyncWindow }): Promise<SyncListing> {
      const context = Context.current();
      const provider = providerNamed(providers, input.provider);
      const phases: Phase[] = provider.listsPayments ? ['payments', 'refunds'] : ['local_payments', 'local_refunds'];
      const resumed = context.info.heartbeatDetails as ListingProgress | undefined;
      const progress: ListingProgress = resumed ?? {
        phase: phases[0], cursor: null, offset: 0, pagesRead: 0, counts: EMPTY_SYNC_COUNTS, laggingPayments: [], laggingRefunds: [],
      };
      if (resumed) context.log.info('resuming provider sync from its heartbeat', { phase: resumed.phase, cursor: resumed.cursor, offset: resumed.offset, pagesRead: resumed.pagesRead });
      for (let phaseIndex = phases.indexOf(progress.phase); phaseIndex < phases.length; phaseIndex += 1) {
        if (progress.phase !== phases[phaseIndex]) Object.assign(progress, { phase: phases[phaseIndex], cursor: null, offset: 0 });
        for (;;) {
          let page;
          try {
            page = await readPage(provider, input.window, progress, input.workflowId);
          } catch (error) {
            if (error instanceof ProviderRateLimitError) throw rateLimited(error);
            throw error;
          }
          progress.pagesRead += 1;
          for (let index = progress.offset; index < page.items.length; index += 1) {
            let counted: Partial<SyncCounts>;
            try {
              counted = await page.items[index]();
            } catch (error) {
              if (error instanceof ProviderRateLimitError) throw rateLimited(error);
              // One object that can't be read or applied doesn't stop the others; the count says so.
              log('provider sync could not apply an object', { provider: input.provider, phase: progress.phase, error: String(error), request: error instanceof ProviderRequestError });
              counted = { errors: 1 };
            }
            progress.counts = addCounts(progress.counts, { seen: 1, ...counted });
            progress.offset = index + 1;
            context.heartbeat(snapshot(progress));
          }
          if (!page.next) break;
          Object.assign(progress, { cursor: page.next, offset: 0 });
          context.heartbeat(snapshot(progress));
        }
      }
      return { counts: progress.counts, laggingPayments: progress.laggingPayments, laggingRefunds: progress.laggingRefunds };
    },

    /**
     * A lagging payment whose workflow has finished (an imported payment has none): the provider's state is
     * written to the row, guarded by state_version, with a history line from source sync.
     */
    async recordSyncCorrection(input: { workflowId: string; paymentId: string; state: ProviderPaymentState }): Promise<'repaired' | 'unchanged'> {
      const { state } = input;
      return db.transaction(async (trx) => {
        const row = await trx('payments').where({ id: input.paymentId }).forUpdate().first();
        if (!row || judgePaymentSync(row.status, state.status).kind !== 'repair') return 'unchanged';
        const failure = state.status === 'failed' ? state.failure : null;
        await correctFinishedPayment(trx, {
          paymentId: row.id,
          readVersion: Number(row.state_version),
          changes: {
            status: state.status,
            amount_captured: Math.max(Number(row.amount_captured), state.amountCaptured),
            next_action: state.status === 'requires_action' && state.nextAction ? state.nextAction : null,
            ...(hidesClientSecret(state.status) ? { client_secret: null } : {}),
            failure_code: failure?.failure_code ?? null,
            failure_message: failure?.failure_message ?? null,
            failure_details: failure ? { provider_code: failure.provider_code, provider_decline_code: failure.provider_decline_code, provider_message: failure.provider_message } : null,
          },
        });
        await bookPaymentCapture(trx, row.id);
        if (state.status === 'succeeded') await issueInvoiceOnSuccess(trx, row.id);
        const event: PaymentEvent = {
          dedupe_key: `${row.id}:sync:${input.workflowId}:${state.status}`, payment_id: row.id, type: 'status_changed',
          from_status: row.status, to_status: state.status, source: 'sync', actor: `${state.provider}:sync`,
          data: { step: 'sync_correction', reason: 'workflow_finished', provider_status: state.providerStatus, observed_status: state.status, sync_workflow_id: input.workflowId },
          occurred_at: nowIso(),
        };
        await trx('payment_events').insert(toEventRow(event)).onConflict('dedupe_key').ignore();
        await recordPaymentEvents(trx, row.id);
        return 'repaired';
      });
    },

    /** Closes the run with its counts; a completed default-window run moves the provider's cursor forward. */
    async finishSyncRun(input: { workflowId: string; provider: string; status: 'completed' | 'failed'; counts: SyncCounts; error?: string; advanceCursorTo: number | null }): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('sync_runs')
          .where({ workflow_id: input.workflowId, status: 'running' })
          .update({ status: input.status, counts: JSON.stringify(input.counts), error: input.error ?? null, finished_at: trx.fn.now() });
        if (input.advanceCursorTo === null) return;
        const current = await trx('sync_cursors').where({ provider: input.provider }).forUpdate().first('synced_until');
        const until = nextCursor(current ? Number(current.synced_until) : null, { from: input.advanceCursorTo, to: input.advanceCursorTo });
        await trx('sync_cursors')
          .insert({ provider: input.provider, synced_until: until, last_workflow_id: input.workflowId, updated_at: trx.fn.now() })
          .onConflict('provider')
          .merge();
      });
    },

    /** Webhooks refused (bad signature) or never handed to their workflow since `sinceSeconds`, for one provider. */
    async countWebhookFailures(input: { provider: string; sinceSeconds: number }): Promise<{ rejected: number; failed: number }> {
      const since = new Date(input.sinceSeconds * 1000);
      const [{ count: rejected }] = await db('webhook_rejections').where({ provider: input.provider }).where('received_at', '>=', since).count({ count: '*' });
      const [{ count: failed }] = await db('webhook_events')
        .where({ provider: input.provider })
        .whereNotNull('error')
        .whereNull('signaled_at')
        .where('received_at', '>=', since)
        .count({ count: '*' });
      return { rejected: Number(rejected), failed: Number(failed) };
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
