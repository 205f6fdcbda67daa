import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ProviderEvent } from '../domain/provider-types';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { providerEventSignal, type ProviderEventSignal } from '../workflows/definitions';
import { providerRefundSignal } from '../workflows/refund-definitions';
import { disputeWorkflowId } from '../domain/dispute';
import { disputeEventSignal, type HandleDisputeInput } from '../workflows/dispute-definitions';
import { searchAttributesFor } from '../workflows/search-attributes';
import { webhookHandoffDuration, webhookHandoffQueue } from '../platform/metrics';
import { recordLateProviderEvent } from '../activities/late-provider-events';
import { creationUnderWay, lateProviderEvent, settledWithoutWorkflow } from '../domain/late-provider-event';
import { judgeProviderMoney } from '../domain/provider-money';
import { WriteBatcher } from '../platform/write-batcher';
import { currentRequestId, requestContext } from '../platform/request-context';
import { findPaymentIdByProviderId } from './payment-reads';

export type HandOff = 'signaled' | 'recorded_late' | 'already_applied' | 'earlier_state' | 'no_news' | 'unmatched' | 'deferred';

/** What storing the event found: its payment (null: none; undefined: not looked up) and whether it came before. */
export interface StoredFacts {
  paymentId?: string | null;
  duplicate?: boolean;
  /** Held once already while its payment was being created: handed over now, whatever the stored status. */
  held?: boolean;
}

/** Internal: judged again after HOLD_MS (see creationUnderWay). */
type Judgement = Exclude<HandOff, 'deferred'> | 'hold';
type QueuedHandOff = { id: number; event: ProviderEvent; stored: StoredFacts; requestId?: string; done: (outcome: HandOff) => void };

export interface StoredWebhook {
  id: number;
  duplicate: boolean;
  /** The payment it is about, when the event names it or its provider payment is known (null for others). */
  paymentId: string | null;
}

/**
 * How long a freshly stored event belongs to the API process that stored it (its hand-off queue): after that the relay
 * of any API process may take it, so an event whose process died before handing it over is not lost.
 */
export const HANDOFF_CLAIM_SECONDS = 15;

/** The inbox row of a verified event; its payment found by provider payment id in the same statement. */
function inboxRow(db: Database, event: ProviderEvent, rawBody: Buffer) {
  const aboutPayment = !event.dispute && !event.refund?.refundId;
  return {
    next_dispatch_at: db.raw(`now() + make_interval(secs => ?)`, [HANDOFF_CLAIM_SECONDS]),
    provider: event.provider,
    event_id: event.eventId,
    type: event.type,
    payment_id: event.paymentId ?? (aboutPayment && event.providerPaymentId
      ? db.raw('(select id from payments where provider = ? and provider_payment_id = ? limit 1)', [event.provider, event.providerPaymentId])
      : null),
    provider_payment_id: event.providerPaymentId,
    // Kept only for events about money (an audit trail); a customer or payment-method event carries personal
    // data (email, name, billing details) the engine has no use for.
    raw_body: event.paymentId || event.providerPaymentId || event.refund || event.dispute ? rawBody.toString('utf8') : null,
    normalized: JSON.stringify(event),
  };
}

/**
 * Stores verified events first (Formance-style), unique per provider and event id; duplicates bump a counter.
 * Copies of one event in one batch are stored once, counted as deliveries, and all but the first are duplicates.
 */
async function storeWebhooks(db: Database, items: Array<{ event: ProviderEvent; rawBody: Buffer }>): Promise<StoredWebhook[]> {
  const copies = new Map<string, number[]>();
  items.forEach(({ event }, index) => {
    const key = `${event.provider}\u0000${event.eventId}`;
    copies.set(key, [...(copies.get(key) ?? []), index]);
  });
  const rows = await db('webhook_events')
    .insert([...copies.values()].map((indexes) => ({ ...inboxRow(db, items[indexes[0]].event, items[indexes[0]].rawBody), delivery_count: indexes.length })))
    .onConflict(['provider', 'event_id'])
    .merge({ delivery_count: db.raw('webhook_events.delivery_count + excluded.delivery_count'), last_received_at: db.fn.now() })
    .returning(['id', 'provider', 'event_id', 'delivery_count', 'payment_id']);
  const stored: StoredWebhook[] = new Array(items.length);
  for (const row of rows) {
    const indexes = copies.get(`${row.provider}\u0000${row.event_id}`)!;
    const earlier = Number(row.delivery_count) - indexes.length;
    indexes.forEach((index, copy) => (stored[index] = { id: Number(row.id), duplicate: earlier + copy > 0, paymentId: row.payment_id ?? null }));
  }
  return stored;
}

/** Stores one event (inside a caller's transaction, say). */
export async function storeWebhook(db: Database, event: ProviderEvent, rawBody: Buffer): Promise<StoredWebhook> {
  return (await storeWebhooks(db, [{ event, rawBody }]))[0];
}

/** The inbox of one API process: events arriving while a write is in flight are stored together (one commit). */
export class WebhookInbox {
  private readonly writes: WriteBatcher<{ event: ProviderEvent; rawBody: Buffer }, StoredWebhook>;

  constructor(db: Database) {
    this.writes = new WriteBatcher((items) => storeWebhooks(db, items));
  }

  store(event: ProviderEvent, rawBody: Buffer): Promise<StoredWebhook> {
    return this.writes.add({ event, rawBody });
  }
}

/**
 * Hands stored events to their payments' workflows, after the webhook has been answered: the answer waits only for
 * the verified event to be stored, never for Temporal. A queue in this process drains the events it stored, a few
 * at a time; the relay takes those no process handed over (Temporal away, a process that died). Handing an event over
 * twice is harmless: workflows dedupe by provider event id and late recordings by webhook row id.
 * A finished workflow gets the event recorded by a small workflow of its own; an unreachable Temporal leaves the
 * event stored for the relay to retry.
 */
export class WebhookDispatcher {
  private readonly queue: QueuedHandOff[] = [];
  /** Events held while their payment is being created, by timer. */
  private readonly holding = new Map<NodeJS.Timeout, QueuedHandOff>();
  private readonly inFlight = new Set<number>();
  private running = 0;
  private idle: Array<() => void> = [];
  private stopped = false;
  /** Marks of events handed over, written together like the inbox's own writes. */
  private readonly signaled: WriteBatcher<{ id: number; paymentId: string }, undefined>;
  private readonly unmatched: WriteBatcher<number, undefined>;

  constructor(
    private readonly db: Database,
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly log: Logger,
    /** What dispute workflows are started with (timing, admins to email, the API's address for links). */
    private readonly disputes: Omit<HandleDisputeInput, 'provider' | 'providerDisputeId'> = DEFAULT_DISPUTE_SETTINGS,
    /** How long an event about a payment being created waits before it is judged again (tests shorten it). */
    private readonly holdMs = WebhookDispatcher.HOLD_MS,
  ) {
    this.signaled = new WriteBatcher(async (marks) => {
      await db.raw(
        `update webhook_events set signaled_at = now(), error = null, payment_id = coalesce(webhook_events.payment_id, marked.payment_id)
         from unnest(?::bigint[], ?::text[]) as marked(id, payment_id) where webhook_events.id = marked.id`,
        [marks.map((mark) => mark.id), marks.map((mark) => mark.paymentId)],
      );
      return marks.map(() => undefined);
    });
    this.unmatched = new WriteBatcher(async (ids) => {
      await db('webhook_events').whereIn('id', ids).update({ signaled_at: db.fn.now(), processed_at: db.fn.now(), error: 'no matching payment' });
      return ids.map(() => undefined);
    });
  }

  /** A hand-off gets this long, then the relay takes over. */
  static readonly HANDOFF_DEADLINE_MS = 3000;
  /** Hand-offs at once: leaves the database pool and the event loop to the webhooks being answered. */
  static readonly CONCURRENCY = 4;
  /** After a failed hand-off, the relay tries again this much later. */
  static readonly RETRY_SECONDS = 5;
  /**
   * An event about a payment still being created is judged again this much later, once: its workflow's own write of
   * the provider's answer takes tens of milliseconds, and the event then usually needs no workflow at all.
   */
  static readonly HOLD_MS = 1000;

  /** Queues a stored event for hand-off and returns at once; the promise it gives settles when it has been handed over. */
  enqueue(webhookEventId: number, event: ProviderEvent, stored: StoredFacts = {}): Promise<HandOff> {
    return new Promise((done) => {
      // The request that stored it: its id goes with the hand-off to the workflow (and the worker's log lines).
      this.queue.push({ id: webhookEventId, event, stored, requestId: currentRequestId(), done });
      webhookHandoffQueue.set(this.queue.length);
      this.pump();
    });
  }

  /** Resolves once every queued hand-off has run (shutdown, tests); events still unsent stay stored for the relay. */
  async drain(): Promise<void> {
    if (this.idleNow()) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Shutdown: hand-offs not yet begun stay stored for the relay, and this resolves once those under way have ended
   * (each is bounded by its deadline), so no call is left on a connection about to close.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const item of this.queue.splice(0)) item.done('deferred');
    for (const [timer, item] of this.holding) {
      clearTimeout(timer);
      item.done('deferred');
    }
    this.holding.clear();
    webhookHandoffQueue.set(0);
    await this.drain();
  }

  private pump(): void {
    while (!this.stopped && this.running < WebhookDispatcher.CONCURRENCY && this.queue.length > 0) {
      const item = this.queue.shift()!;
      webhookHandoffQueue.set(this.queue.length);
      this.running += 1;
      this.inFlight.add(item.id);
      const handOff = () => this.dispatch(item.id, item.event, item.stored);
      void (item.requestId ? requestContext.run({ requestId: item.requestId }, handOff) : handOff()).then((outcome) => {
        this.running -= 1;
        this.inFlight.delete(item.id);
        if (outcome === 'hold') this.hold(item);
        else item.done(outcome);
        if (this.idleNow()) for (const resolve of this.idle.splice(0)) resolve();
        this.pump();
      });
    }
  }

  private idleNow(): boolean {
    return this.running === 0 && this.queue.length === 0 && this.holding.size === 0;
  }

  /** Back in the queue after HOLD_MS, to be handed over then whatever the stored status says. */
  private hold(item: QueuedHandOff): void {
    this.inFlight.add(item.id);
    const timer = setTimeout(() => {
      this.holding.delete(timer);
      this.inFlight.delete(item.id);
      this.queue.push({ ...item, stored: { ...item.stored, held: true } });
      this.pump();
    }, this.holdMs);
    this.holding.set(timer, item);
  }

  async dispatch(webhookEventId: number, event: ProviderEvent, stored: StoredFacts = {}): Promise<HandOff | 'hold'> {
    const started = process.hrtime.bigint();
    const outcome = await this.client.withDeadline(Date.now() + WebhookDispatcher.HANDOFF_DEADLINE_MS, () => this.handOver(webhookEventId, event, stored)).catch(async (error: unknown) => {
      this.log.warn({ err: error, webhookEventId }, 'webhook stored; handing it to the workflow failed, the relay will retry');
      await this.mark(webhookEventId, {
        error: String(error).slice(0, 500), dispatch_attempts: this.db.raw('dispatch_attempts + 1'),
        next_dispatch_at: this.db.raw(`now() + make_interval(secs => ?)`, [WebhookDispatcher.RETRY_SECONDS]),
      }).catch((markError: unknown) => this.log.warn({ err: markError, webhookEventId }, 'could not record the failed hand-off'));
      return 'deferred' as const;
    });
    webhookHandoffDuration.observe({ provider: event.provider, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    return outcome;
  }

  private async handOver(webhookEventId: number, event: ProviderEvent, stored: StoredFacts): Promise<Judgement> {
    if (event.dispute) return this.handOverDispute(webhookEventId, event);
    if (event.refund?.refundId) return this.handOverRefund(webhookEventId, event, event.refund.refundId);
    const paymentId = stored.paymentId !== undefined ? stored.paymentId : event.paymentId
      ?? (event.providerPaymentId ? await findPaymentIdByProviderId(this.db, event.provider, event.providerPaymentId) : null);
    if (!paymentId) {
      await this.unmatched.add(webhookEventId);
      return 'unmatched';
    }
    const signal: ProviderEventSignal = { event, webhookEventId, source: 'webhook' };
    // A first delivery that says what the payment already is, or was before it succeeded: noted here, the workflow is
    // not woken (nor replayed). A redelivery goes to the workflow, which notes it as a duplicate.
    if (event.state && !stored.duplicate) {
      const row = await this.db('payments').where({ id: paymentId }).first('status', 'provider_payment_id', 'amount', 'amount_captured', 'currency');
      const settled = row ? settledWithoutWorkflow({ ...row, amount: Number(row.amount), amount_captured: Number(row.amount_captured) }, event.state) : null;
      if (settled) {
        await recordLateProviderEvent(this.db, { paymentId, webhookEventId, event: lateProviderEvent(paymentId, signal, new Date(), settled) });
        await this.signaled.add({ id: webhookEventId, paymentId });
        return settled;
      }
      if (row && creationUnderWay(row) && !stored.held && !this.stopped) return 'hold';
    }
    try {
      await this.client.workflow.getHandle(paymentId).signal(providerEventSignal, signal);
      await this.signaled.add({ id: webhookEventId, paymentId });
      return 'signaled';
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await this.recordLate(webhookEventId, paymentId, signal);
      return 'recorded_late';
    }
  }

  /**
   * The payment's workflow has finished: the event is recorded (a history line, changing nothing) right here. Only
   * when it says the provider holds money the engine doesn't count does a workflow start, to ask the provider and
   * raise the alert: most late events (the provider's trailing webhooks) cost no workflow at all.
   */
  private async recordLate(webhookEventId: number, paymentId: string, signal: ProviderEventSignal): Promise<void> {
    const local = await recordLateProviderEvent(this.db, { paymentId, webhookEventId, event: lateProviderEvent(paymentId, signal, new Date()) });
    const { event } = signal;
    if (local && event.state && judgeProviderMoney(local, event.state)) {
      await this.client.workflow
        .start('recordLateProviderEvent', {
          workflowId: `late-${event.provider}-${event.eventId}-${webhookEventId}`,
          taskQueue: this.taskQueue,
          args: [{ paymentId, signal }],
          typedSearchAttributes: searchAttributesFor({ paymentId, provider: event.provider }),
        })
        .catch((startError: unknown) => {
          if (!(startError instanceof WorkflowExecutionAlreadyStartedError)) throw startError;
        });
    }
    await this.signaled.add({ id: webhookEventId, paymentId });
  }

  /** Refund events go to the refund's workflow; once it has finished they have nothing left to change. */
  private async handOverRefund(webhookEventId: number, event: ProviderEvent, refundId: string): Promise<'signaled' | 'recorded_late'> {
    try {
      await this.client.workflow.getHandle(refundId).signal(providerRefundSignal, { event, webhookEventId });
      await this.mark(webhookEventId, { signaled_at: this.db.fn.now(), processed_at: this.db.fn.now(), error: null });
      return 'signaled';
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      await this.mark(webhookEventId, { signaled_at: this.db.fn.now(), processed_at: this.db.fn.now(), error: 'refund workflow already finished' });
      return 'recorded_late';
    }
  }

  /**
   * Dispute events go to their dispute's workflow, started by the first of them whichever it is (created, updated or
   * closed): signal-with-start makes duplicates and reorderings meet in one workflow, which keeps what moves forward.
   * After the workflow has finished, a late event starts a short run that finds the outcome recorded and ends.
   */
  private async handOverDispute(webhookEventId: number, event: ProviderEvent): Promise<'signaled'> {
    const dispute = event.dispute!;
    const paymentId = dispute.paymentId ?? (dispute.providerPaymentId ? await findPaymentIdByProviderId(this.db, dispute.provider, dispute.providerPaymentId) : null);
    await this.client.workflow.signalWithStart('handleDispute', {
      workflowId: disputeWorkflowId(dispute.provider, dispute.providerDisputeId),
      taskQueue: this.taskQueue,
      args: [{ ...this.disputes, provider: dispute.provider, providerDisputeId: dispute.providerDisputeId }],
      signal: disputeEventSignal,
      signalArgs: [{ event, webhookEventId }],
      typedSearchAttributes: searchAttributesFor({ paymentId, provider: dispute.provider, amount: dispute.amount, currency: dispute.currency }),
    });
    await this.mark(webhookEventId, { signaled_at: this.db.fn.now(), error: null });
    return 'signaled';
  }

  /** Retries stored events that never reached their workflow (Temporal was down, or the API died mid-way). */
  async relayPending(olderThanSeconds = 2, batchSize = 100): Promise<number> {
    // Claim a batch by pushing its next attempt out, so several API processes don't relay the same rows.
    const claimed = await this.db.raw(
      `update webhook_events set next_dispatch_at = now() + interval '30 seconds'
       where id in (
         select id from webhook_events
         where signaled_at is null and received_at < now() - make_interval(secs => ?)
           and (next_dispatch_at is null or next_dispatch_at < now())
         order by id limit ? for update skip locked)
       returning id, normalized, payment_id`,
      [olderThanSeconds, batchSize],
    );
    const rows = (claimed.rows as Array<{ id: number; normalized: ProviderEvent; payment_id: string | null }>).filter((row) => !this.inFlight.has(Number(row.id)));
    const outcomes = await Promise.all(rows.map((row) => this.enqueue(Number(row.id), row.normalized, { paymentId: row.payment_id ?? undefined })));
    return outcomes.filter((outcome) => outcome !== 'deferred').length;
  }

  private async mark(id: number, values: Record<string, unknown>): Promise<void> {
    await this.db('webhook_events').where({ id }).update(values);
  }
}

/** Defaults as documented for DISPUTE_* settings; the API passes the configured ones. */
export const DEFAULT_DISPUTE_SETTINGS: Omit<HandleDisputeInput, 'provider' | 'providerDisputeId'> = {
  timing: { reminderHoursBeforeDue: 48, pollInitialSeconds: 3600, pollMaxSeconds: 24 * 3600 },
  adminEmails: [],
  publicUrl: 'http://127.0.0.1:3000',
};
