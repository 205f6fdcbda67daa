import { newId, nowSeconds } from './ids';
import type { SandboxStore } from './store';
import type { StripeEvent, StripeObject } from './types';
import type { StripeWebhookDelivery } from './webhook-delivery';

export const API_VERSION = '2025-01-27.acacia';

export interface RequestInfo {
  id: string | null;
  idempotency_key: string | null;
}

/**
 * The events one state change produces (one API request, one 3DS answer, one timer).
 * They are recorded at once and handed to delivery together when the operation ends.
 */
export class Operation {
  private readonly produced: StripeEvent[] = [];

  constructor(
    private readonly store: SandboxStore,
    private readonly delivery: StripeWebhookDelivery,
    private readonly request: RequestInfo,
  ) {}

  /** Records an event carrying a snapshot of `object` as it is right now. */
  emit(type: string, object: StripeObject): void {
    const event: StripeEvent = {
      id: newId('evt'),
      object: 'event',
      api_version: API_VERSION,
      created: nowSeconds(),
      type,
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: this.delivery.willDeliver() ? 1 : 0,
      request: { ...this.request },
    };
    this.store.events.set(event.id, event);
    this.produced.push(event);
    this.store.changed();
  }

  /** Deliveries start only after this (i.e. after the API has answered). */
  finish(): void {
    this.delivery.enqueue(this.produced.splice(0));
  }
}

export function startOperation(store: SandboxStore, delivery: StripeWebhookDelivery, request: RequestInfo): Operation {
  return new Operation(store, delivery, request);
}
