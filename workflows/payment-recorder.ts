import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CustomerContact } from '../activities/customer-contact';
import type { EventSource, Payment, PaymentEvent } from '../domain/payment';
import type { PaymentStatus } from '../domain/payment-status';
import { STORAGE } from './activity-options';
import { paymentWrites } from './hot-path';
import { PaymentChanges } from './payment-changes';
import { PAYMENT_STATUS } from './search-attributes';

// After the answer: a regular activity, so it is a step of its own and never holds up the workflow task that answers.
const storage = proxyActivities<Activities>(STORAGE);

export interface EventDraft {
  type: string;
  source: EventSource;
  actor: string;
  from_status?: PaymentStatus | null;
  to_status?: PaymentStatus | null;
  data?: Record<string, unknown>;
}

/**
 * Holds the workflow's view of the payment and writes it, with its new history lines, through an activity.
 * Each save carries a growing version: the database ignores older writes, and dedupe keys make retries harmless.
 */
export class PaymentRecorder {
  /** Which changes of the workflow's commands this history has: everything that asks patched() asks it here. */
  readonly changes = new PaymentChanges();
  /** The last save left its bookkeeping for book(); any other save books everything so far itself. */
  bookingOwed = false;

  /** A run that retries a payment continues from the version its earlier run stored. */
  constructor(
    public payment: Payment,
    private version = 0,
  ) {}

  async save(drafts: EventDraft[], processedWebhookEventIds: number[] = [], options: { bookLater?: boolean } = {}): Promise<void> {
    this.version += 1;
    const events = this.eventsFor(drafts);
    const bookLater = options.bookLater === true;
    await paymentWrites(this.changes).savePayment({ payment: this.payment, version: this.version, events, processedWebhookEventIds, ...(bookLater ? { bookLater } : {}) });
    this.bookingOwed = bookLater;
  }

  /** The bookkeeping a bookLater save left; with `findContact`, the payer's address too (null: none). */
  async book(findContact: boolean): Promise<CustomerContact | null> {
    const { contact } = await storage.bookPayment({ paymentId: this.payment.id, findContact });
    this.bookingOwed = false;
    return contact;
  }

  /**
   * Starts a new attempt (the caller built `next` with beginNewAttempt): stored only if the payment is still the failed
   * one this workflow last saved. Refused: nothing changes here either.
   */
  async claimAttempt(next: Payment, draft: Omit<EventDraft, 'from_status' | 'to_status'>): Promise<boolean> {
    const expectedVersion = this.version;
    const previous = this.payment;
    this.payment = next;
    this.version += 1;
    const events = this.eventsFor([{ ...draft, from_status: previous.status, to_status: next.status }]);
    const result: boolean | { claimed: boolean; version: number } = await paymentWrites(this.changes).claimPaymentAttempt({ payment: next, expectedVersion, version: this.version, events });
    // Histories recorded before the claim reported its version carry a plain boolean.
    const claimed = typeof result === 'boolean' ? result : result.claimed;
    if (!claimed) {
      this.payment = previous;
      this.version = expectedVersion;
      return false;
    }
    // Saves continue above whatever the earlier run stored, so none of them is ignored as older.
    if (typeof result === 'object') this.version = Math.max(this.version, result.version);
    upsertSearchAttributes([{ key: PAYMENT_STATUS, value: next.status }]);
    return true;
  }

  private eventsFor(drafts: EventDraft[]): PaymentEvent[] {
    const now = new Date().toISOString();
    // Attempt 1 keeps the keys payments always had; later attempts name theirs.
    const attempt = this.payment.attempt_count ?? 1;
    const prefix = attempt > 1 ? `${this.payment.id}:a${attempt}` : this.payment.id;
    return drafts.map((draft, index) => ({
      dedupe_key: `${prefix}:v${this.version}:${index}`,
      payment_id: this.payment.id,
      type: draft.type,
      from_status: draft.from_status ?? null,
      to_status: draft.to_status ?? null,
      source: draft.source,
      actor: draft.actor,
      data: draft.data ?? {},
      occurred_at: now,
    }));
  }

  /** Moves the payment to its next state; the caller has judged the transition allowed. */
  transition(next: Payment, draft: Omit<EventDraft, 'from_status' | 'to_status'>): EventDraft {
    const from = this.payment.status;
    this.payment = next;
    if (from !== next.status) upsertSearchAttributes([{ key: PAYMENT_STATUS, value: next.status }]);
    return { ...draft, from_status: from, to_status: next.status };
  }
}
