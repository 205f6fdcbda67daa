import { createSigningKey, isUsable, type SigningKeyMaterial } from './signing-key';
import { readStateFile, writeStateFileAtomically } from './state-file';
import type { CaptureRecord, IdempotencyRecord, OrderRecord, PersistedState, RefundRecord, WebhookEvent } from './types';

const SAVE_DEBOUNCE_MS = 20;
/** PayPal keeps PayPal-Request-Id answers for 6 hours (longer for refunds; 6 h is plenty here). */
const IDEMPOTENCY_TTL_SECONDS = 6 * 3600;
const KEPT_EVENTS = 5000;

/** Every sandbox object in memory, saved to a JSON file (debounced, serialized) when one is configured. */
export class PayPalSandboxStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly captures = new Map<string, CaptureRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly events = new Map<string, WebhookEvent>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  signingKey!: SigningKeyMaterial;

  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateFile: string | null,
    private readonly onSaveError: (error: unknown) => void,
  ) {}

  /** Loads the file if there is one; the signing key is kept so a restart serves the same certificate. */
  async load(): Promise<void> {
    const state = this.stateFile ? await readStateFile(this.stateFile) : null;
    if (state) {
      for (const order of state.orders) this.orders.set(order.id, order);
      for (const capture of state.captures) this.captures.set(capture.id, capture);
      for (const refund of state.refunds) this.refunds.set(refund.id, refund);
      for (const event of state.events) this.events.set(event.id, event);
      for (const record of state.idempotency) this.idempotency.set(record.scope, record);
    }
    if (isUsable(state?.signingKey)) {
      this.signingKey = state.signingKey;
    } else {
      this.signingKey = await createSigningKey();
      this.changed();
    }
  }

  /** Call after every mutation. */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, SAVE_DEBOUNCE_MS);
  }

  /** Writes any pending change now and waits for it (close()). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      await this.save();
    }
    await this.saving;
  }

  private save(): Promise<void> {
    const file = this.stateFile;
    if (!file) return Promise.resolve();
    this.saving = this.saving.then(() => writeStateFileAtomically(file, this.snapshot())).catch((error: unknown) => this.onSaveError(error));
    return this.saving;
  }

  private snapshot(): PersistedState {
    const oldest = Math.floor(Date.now() / 1000) - IDEMPOTENCY_TTL_SECONDS;
    for (const [scope, record] of this.idempotency) if (record.createdAt < oldest) this.idempotency.delete(scope);
    for (const id of [...this.events.keys()].slice(0, Math.max(0, this.events.size - KEPT_EVENTS))) this.events.delete(id);
    return {
      version: 1,
      orders: [...this.orders.values()],
      captures: [...this.captures.values()],
      refunds: [...this.refunds.values()],
      events: [...this.events.values()],
      idempotency: [...this.idempotency.values()],
      signingKey: this.signingKey,
    };
  }
}
