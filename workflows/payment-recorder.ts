import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EventSource, Payment, PaymentEvent } from '../domain/payment';
import type { PaymentStatus } from '../domain/payment-status';
import { PAYMENT_STATUS } from './search-attributes';

const { savePayment } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

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
  private version = 0;

  constructor(public payment: Payment) {}

  async save(drafts: EventDraft[], processedWebhookEventIds: number[] = []): Promise<void> {
    this.version += 1;
    const now = new Date().toISOString();
    const events: PaymentEvent[] = drafts.map((draft, index) => ({
      dedupe_key: `${this.payment.id}:v${this.version}:${index}`,
      payment_id: this.payment.id,
      type: draft.type,
      from_status: draft.from_status ?? null,
      to_status: draft.to_status ?? null,
      source: draft.source,
      actor: draft.actor,
      data: draft.data ?? {},
      occurred_at: now,
    }));
    await savePayment({ payment: this.payment, version: this.version, events, processedWebhookEventIds });
  }

  /** Moves the payment to its next state; the caller has judged the transition allowed. */
  transition(next: Payment, draft: Omit<EventDraft, 'from_status' | 'to_status'>): EventDraft {
    const from = this.payment.status;
    this.payment = next;
    if (from !== next.status) upsertSearchAttributes([{ key: PAYMENT_STATUS, value: next.status }]);
    return { ...draft, from_status: from, to_status: next.status };
  }
}
