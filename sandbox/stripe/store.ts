import { readStateFile, writeStateFileAtomically } from './state-file';
import type {
  Charge,
  Customer,
  IdempotencyRecord,
  Mandate,
  PaymentIntent,
  PaymentMethod,
  PersistedState,
  Refund,
  SepaOutcome,
  SetupIntent,
  StripeEvent,
} from './types';

const SAVE_DEBOUNCE_MS = 20;
/** Stripe forgets idempotency keys after 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/**
 * All sandbox objects, in memory, in creation order (Maps keep insertion order,
 * which is what list endpoints page over). Persists to a JSON file when configured.
 */
export class SandboxStore {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly paymentMethods = new Map<string, PaymentMethod>();
  readonly paymentMethodTokens = new Map<string, string>();
  readonly events = new Map<string, StripeEvent>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly refundsAwaitingFailure = new Set<string>();
  readonly customers = new Map<string, Customer>();
  readonly setupIntents = new Map<string, SetupIntent>();
  readonly mandates = new Map<string, Mandate>();
  readonly sepaOutcomes = new Map<string, SepaOutcome>();
  /** Processing SEPA payments -> when they settle (ms since the epoch). */
  readonly sepaSettlements = new Map<string, number>();

  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateFile: string | null,
    private readonly onSaveError: (error: unknown) => void,
  ) {}

  async load(): Promise<void> {
    if (!this.stateFile) return;
    const state = await readStateFile(this.stateFile);
    if (!state) return;
    fill(this.paymentIntents, state.paymentIntents);
    fill(this.charges, state.charges);
    fill(this.refunds, state.refunds);
    fill(this.paymentMethods, state.paymentMethods);
    fill(this.events, state.events);
    for (const [id, token] of Object.entries(state.paymentMethodTokens)) this.paymentMethodTokens.set(id, token);
    for (const record of state.idempotency) this.idempotency.set(record.scope, record);
    for (const id of state.refundsAwaitingFailure) this.refundsAwaitingFailure.add(id);
    fill(this.customers, state.customers ?? []);
    fill(this.setupIntents, state.setupIntents ?? []);
    fill(this.mandates, state.mandates ?? []);
    for (const [id, outcome] of Object.entries(state.sepaOutcomes ?? {})) this.sepaOutcomes.set(id, outcome);
    for (const { paymentIntentId, dueAt } of state.sepaSettlements ?? []) this.sepaSettlements.set(paymentIntentId, dueAt);
  }

  /** Call after every mutation; writes are debounced and serialized. */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.save();
    }, SAVE_DEBOUNCE_MS);
  }

  /** Writes any pending change now and waits for it (used by close()). */
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
    this.saving = this.saving
      .then(() => writeStateFileAtomically(file, this.snapshot()))
      .catch((error: unknown) => this.onSaveError(error));
    return this.saving;
  }

  private snapshot(): PersistedState {
    const oldest = Math.floor(Date.now() / 1000) - IDEMPOTENCY_TTL_SECONDS;
    for (const [scope, record] of this.idempotency) if (record.createdAt < oldest) this.idempotency.delete(scope);
    return {
      version: 1,
      paymentIntents: [...this.paymentIntents.values()],
      charges: [...this.charges.values()],
      refunds: [...this.refunds.values()],
      paymentMethods: [...this.paymentMethods.values()],
      paymentMethodTokens: Object.fromEntries(this.paymentMethodTokens),
      events: [...this.events.values()],
      idempotency: [...this.idempotency.values()],
      refundsAwaitingFailure: [...this.refundsAwaitingFailure],
      customers: [...this.customers.values()],
      setupIntents: [...this.setupIntents.values()],
      mandates: [...this.mandates.values()],
      sepaOutcomes: Object.fromEntries(this.sepaOutcomes),
      sepaSettlements: [...this.sepaSettlements].map(([paymentIntentId, dueAt]) => ({ paymentIntentId, dueAt })),
    };
  }
}

function fill<T extends { id: string }>(map: Map<string, T>, items: T[]): void {
  for (const item of items) map.set(item.id, item);
}
