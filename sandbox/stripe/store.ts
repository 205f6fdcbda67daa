import { forgetExpiredAnswers } from '../shared/idempotency';
import { PersistedStore } from '../shared/persisted-store';
import type {
  Charge,
  Customer,
  Dispute,
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

/** Stripe forgets idempotency keys after 24 hours. */
const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/**
 * All sandbox objects, in memory, in creation order (Maps keep insertion order,
 * which is what list endpoints page over). Persists to a JSON file when configured.
 */
export class SandboxStore extends PersistedStore<PersistedState> {
  readonly paymentIntents = new Map<string, PaymentIntent>();
  readonly charges = new Map<string, Charge>();
  readonly refunds = new Map<string, Refund>();
  readonly paymentMethods = new Map<string, PaymentMethod>();
  readonly paymentMethodTokens = new Map<string, string>();
  readonly events = new Map<string, StripeEvent>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  readonly refundsAwaitingFailure = new Set<string>();
  readonly customers = new Map<string, Customer>();
  /** Deleted customers' ids: a retrieve answers `deleted: true`, as at Stripe. */
  readonly deletedCustomers = new Set<string>();
  readonly setupIntents = new Map<string, SetupIntent>();
  readonly mandates = new Map<string, Mandate>();
  readonly sepaOutcomes = new Map<string, SepaOutcome>();
  /** Processing SEPA payments -> when they settle (ms since the epoch). */
  readonly sepaSettlements = new Map<string, number>();
  readonly disputes = new Map<string, Dispute>();
  /** Charges of pm_card_createDispute payments -> when their dispute opens (ms since the epoch). */
  readonly disputesToOpen = new Map<string, number>();

  constructor(stateFile: string | null, onSaveError: (error: unknown) => void) {
    super(stateFile, { what: 'state' }, onSaveError);
  }

  async load(): Promise<void> {
    const state = await this.readSavedState();
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
    for (const id of state.deletedCustomers ?? []) this.deletedCustomers.add(id);
    fill(this.setupIntents, state.setupIntents ?? []);
    fill(this.mandates, state.mandates ?? []);
    for (const [id, outcome] of Object.entries(state.sepaOutcomes ?? {})) this.sepaOutcomes.set(id, outcome);
    for (const { paymentIntentId, dueAt } of state.sepaSettlements ?? []) this.sepaSettlements.set(paymentIntentId, dueAt);
    fill(this.disputes, state.disputes ?? []);
    for (const { chargeId, dueAt } of state.disputesToOpen ?? []) this.disputesToOpen.set(chargeId, dueAt);
  }

  protected snapshot(): PersistedState {
    forgetExpiredAnswers(this.idempotency, IDEMPOTENCY_TTL_SECONDS);
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
      deletedCustomers: [...this.deletedCustomers],
      setupIntents: [...this.setupIntents.values()],
      mandates: [...this.mandates.values()],
      sepaOutcomes: Object.fromEntries(this.sepaOutcomes),
      sepaSettlements: [...this.sepaSettlements].map(([paymentIntentId, dueAt]) => ({ paymentIntentId, dueAt })),
      disputes: [...this.disputes.values()],
      disputesToOpen: [...this.disputesToOpen].map(([chargeId, dueAt]) => ({ chargeId, dueAt })),
    };
  }
}

function fill<T extends { id: string }>(map: Map<string, T>, items: T[]): void {
  for (const item of items) map.set(item.id, item);
}
