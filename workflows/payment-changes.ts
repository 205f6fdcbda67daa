import { patched } from '@temporalio/workflow';

/**
 * Every change to takePayment's commands made so far, as one patch. Each patch costs a payment two history events
 * and a TemporalChangeVersion search-attribute upsert, which the Temporal server turns into a visibility write: a
 * card payment asked about six of them. A payment started now records this one marker instead; histories recorded
 * before it have none, and each change is asked as it was recorded. A later change gets a patch of its own (and a
 * later consolidation a new id, implying this one).
 */
export const TAKE_PAYMENT_CHANGES_PATCH = 'take-payment-changes-2026-11';

/** Which changes of the workflow's commands apply to this history; one per workflow run. */
export class PaymentChanges {
  private allRecorded: boolean | undefined;

  /** patched(id) for a history from before the consolidation; true for one that recorded it. */
  has(id: string): boolean {
    return this.consolidated() || patched(id);
  }

  /** The history recorded the consolidation: behaviour new since then needs no patch of its own where only inputs change. */
  consolidated(): boolean {
    this.allRecorded ??= patched(TAKE_PAYMENT_CHANGES_PATCH);
    return this.allRecorded;
  }
}
