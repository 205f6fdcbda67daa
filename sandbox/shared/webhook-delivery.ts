import { applySwitchPatch, type WebhookSwitches } from './webhook-switches';

/** Providers retry failed deliveries for hours or days; both sandboxes compress that to seconds. */
const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const KEPT_ATTEMPTS = 500;

/** One line of GET /_sandbox/deliveries. */
export interface DeliveryAttempt {
  event_id: string;
  /** The event's type, under the provider's own field name (see WebhookDeliveryOptions.typeField). */
  [typeField: string]: string | number | undefined;
  attempt: number;
  at: string;
  status_code?: number;
  error?: string;
  /** Set when a switch or a missing URL meant the event was never sent. */
  skipped?: 'deliver_false' | 'drop_next' | 'no_webhook_url';
}

/** What differs between providers: their events, their switches and how a delivery is signed. */
export interface WebhookDeliveryOptions<Event, Switches extends WebhookSwitches> {
  url: string | null;
  log: (line: string) => void;
  /** A fresh or reset sandbox's switches; their keys are the switches this provider has. */
  defaultSwitches: () => Switches;
  /** Added to the "unknown switch" message. */
  unknownSwitchHint?: string;
  eventId: (event: Event) => string;
  eventType: (event: Event) => string;
  /** The event type's field name in deliveries: Stripe says `type`, PayPal `event_type`. */
  typeField: string;
  /** The exact body that is sent and signed. */
  serialize: (event: Event) => string;
  /** Called for every attempt, so each retry is a fresh signature (PayPal: a new transmission). */
  signHeaders: (payload: string) => Record<string, string>;
  userAgent: string;
}

interface Job<Event> {
  event: Event;
  attempt: number;
}

/**
 * Posts signed events to the webhook URL, one at a time in order (so `reorder` is observable),
 * without ever blocking the API. Failed attempts go back in the queue after a backoff.
 */
export class WebhookDelivery<Event, Switches extends WebhookSwitches> {
  private switchesNow: Switches;
  private url: string | null;
  private readonly queue: Job<Event>[] = [];
  private readonly recent: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private pumping = false;
  private closed = false;

  constructor(private readonly options: WebhookDeliveryOptions<Event, Switches>) {
    this.url = options.url;
    this.switchesNow = options.defaultSwitches();
  }

  setUrl(url: string | null): void {
    this.url = url;
  }

  get webhookUrl(): string | null {
    return this.url;
  }

  get switches(): Switches {
    return { ...this.switchesNow };
  }

  updateSwitches(patch: unknown): Switches | string {
    const next = applySwitchPatch(this.switchesNow, patch, this.options.unknownSwitchHint);
    if (typeof next === 'string') return next;
    this.switchesNow = next;
    return this.switches;
  }

  resetSwitches(): Switches {
    this.switchesNow = this.options.defaultSwitches();
    return this.switches;
  }

  /** Whether an event recorded now would be sent (Stripe's pending_webhooks). */
  willDeliver(): boolean {
    return Boolean(this.url && this.switchesNow.deliver);
  }

  attempts(): DeliveryAttempt[] {
    return [...this.recent];
  }

  /** Hands over the events one operation produced; switches apply here. */
  enqueue(events: Event[]): void {
    if (this.closed || events.length === 0) return;
    const ordered = this.switchesNow.reorder ? [...events].reverse() : events;
    for (const event of ordered) {
      const skipped = this.skipReason();
      if (skipped) {
        this.remember({ event, attempt: 0 }, { skipped });
        continue;
      }
      const copies = this.switchesNow.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) this.queue.push({ event, attempt: 1 });
    }
    this.schedulePump(0);
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
  }

  private skipReason(): DeliveryAttempt['skipped'] | null {
    if (!this.url) return 'no_webhook_url';
    if (!this.switchesNow.deliver) return 'deliver_false';
    if (this.switchesNow.drop_next > 0) {
      this.switchesNow.drop_next -= 1;
      return 'drop_next';
    }
    return null;
  }

  private schedulePump(afterMs: number, job?: Job<Event>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (job) this.queue.push(job);
      void this.pump();
    }, afterMs);
    this.timers.add(timer);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const job = this.queue.shift() as Job<Event>;
        if (this.switchesNow.delay_ms > 0) await this.sleep(this.switchesNow.delay_ms);
        if (this.closed) return;
        const ok = await this.send(job);
        if (!ok && job.attempt < MAX_ATTEMPTS && !this.closed) {
          this.schedulePump(FIRST_RETRY_MS * 2 ** (job.attempt - 1), { event: job.event, attempt: job.attempt + 1 });
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private async send(job: Job<Event>): Promise<boolean> {
    const url = this.url;
    if (!url) {
      this.remember(job, { skipped: 'no_webhook_url' });
      return true;
    }
    const { serialize, signHeaders, userAgent, log } = this.options;
    const what = `webhook ${this.options.eventType(job.event)} ${this.options.eventId(job.event)} attempt ${job.attempt}`;
    const payload = serialize(job.event);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    this.inFlight.add(controller);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': userAgent, ...signHeaders(payload) },
        body: payload,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      this.remember(job, { status_code: response.status });
      if (response.ok) return true;
      log(`${what} got HTTP ${response.status}`);
      return false;
    } catch (error) {
      if (this.closed) return true;
      const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      this.remember(job, { error: message });
      log(`${what} failed: ${message}`);
      return false;
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(controller);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private remember(job: Job<Event>, outcome: Pick<DeliveryAttempt, 'status_code' | 'error' | 'skipped'>): void {
    const { eventId, eventType, typeField } = this.options;
    this.recent.push({ event_id: eventId(job.event), [typeField]: eventType(job.event), attempt: job.attempt, at: new Date().toISOString(), ...outcome });
    if (this.recent.length > KEPT_ATTEMPTS) this.recent.splice(0, this.recent.length - KEPT_ATTEMPTS);
  }
}
