import { forgetExpiredAnswers } from '../shared/idempotency';
import { PersistedStore } from '../shared/persisted-store';
import { createSigningKey, isUsable, type SigningKeyMaterial } from './signing-key';
import type { CaptureRecord, DisputeRecord, IdempotencyRecord, OrderRecord, PersistedState, RefundRecord, WebhookEvent } from './types';

/** PayPal keeps PayPal-Request-Id answers for 6 hours (longer for refunds; 6 h is plenty here). */
const IDEMPOTENCY_TTL_SECONDS = 6 * 3600;
const KEPT_EVENTS = 5000;

/** Every sandbox object in memory, saved to a JSON file (debounced, serialized) when one is configured. */
export class PayPalSandboxStore extends PersistedStore<PersistedState> {
  readonly orders = new Map<string, OrderRecord>();
  readonly captures = new Map<string, CaptureRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly events = new Map<string, WebhookEvent>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly disputes = new Map<string, DisputeRecord>();
  signingKey!: SigningKeyMaterial;

  constructor(stateFile: string | null, onSaveError: (error: unknown) => void) {
    // 0600: the file holds the webhook signing key.
    super(stateFile, { what: 'PayPal sandbox state', mode: 0o600 }, onSaveError);
  }

  /** Loads the file if there is one; the signing key is kept so a restart serves the same certificate. */
  async load(): Promise<void> {
    const state = await this.readSavedState();
    if (state) {
      for (const order of state.orders) this.orders.set(order.id, order);
      for (const capture of state.captures) this.captures.set(capture.id, capture);
      for (const refund of state.refunds) this.refunds.set(refund.id, refund);
      for (const event of state.events) this.events.set(event.id, event);
      for (const record of state.idempotency) this.idempotency.set(record.scope, record);
      for (const dispute of state.disputes ?? []) this.disputes.set(dispute.dispute_id, dispute);
    }
    if (isUsable(state?.signingKey)) {
      this.signingKey = state.signingKey;
    } else {
      this.signingKey = await createSigningKey();
      this.changed();
    }
  }

  protected snapshot(): PersistedState {
    forgetExpiredAnswers(this.idempotency, IDEMPOTENCY_TTL_SECONDS);
    for (const id of [...this.events.keys()].slice(0, Math.max(0, this.events.size - KEPT_EVENTS))) this.events.delete(id);
    return {
      version: 1,
      orders: [...this.orders.values()],
      captures: [...this.captures.values()],
      refunds: [...this.refunds.values()],
      events: [...this.events.values()],
      idempotency: [...this.idempotency.values()],
      signingKey: this.signingKey,
      disputes: [...this.disputes.values()],
    };
  }
}
