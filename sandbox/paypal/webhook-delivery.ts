import type { WebhookEvent } from './types';
import { applySwitchPatch, defaultSwitches, type WebhookSwitches } from './webhook-switches';

/** PayPal retries for days; the schedule is compressed to seconds, like the Stripe sandbox's. */
const MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const KEPT_ATTEMPTS = 500;

export interface DeliveryAttempt {
  event_id: string;
  event_type: string;
  attempt: number;
  at: string;
  status_code?: number;
  error?: string;
  /** Set when a switch or a missing URL meant the event was never sent. */
  skipped?: 'deliver_false' | 'drop_next' | 'no_webhook_url';
}

interface Job {
  event: WebhookEvent;
  attempt: number;
}

/** Signs a body at send time: each attempt is a new transmission with its own id, time and signature. */
export type WebhookSigner = (body: string) => Record<string, string>;

/**
 * Posts signed events to the webhook URL one at a time, in order, never blocking the API;
 * failed attempts go back in the queue after a backoff. Switches: deliver, delay_ms, duplicate, drop_next.
 */
export class PayPalWebhookDelivery {
  private switchesNow: WebhookSwitches = defaultSwitches();
  private readonly queue: Job[] = [];
  private readonly recent: DeliveryAttempt[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private pumping = false;
  private closed = false;

  constructor(
    private url: string | null,
    private readonly sign: WebhookSigner,
    private readonly log: (line: string) => void,
  ) {}

  setUrl(url: string | null): void {
    this.url = url;
  }

  get webhookUrl(): string | null {
    return this.url;
  }

  get switches(): WebhookSwitches {
    return { ...this.switchesNow };
  }

  updateSwitches(patch: unknown): WebhookSwitches | string {
    const next = applySwitchPatch(this.switchesNow, patch);
    if (typeof next === 'string') return next;
    this.switchesNow = next;
    return this.switches;
  }

  resetSwitches(): WebhookSwitches {
    this.switchesNow = defaultSwitches();
    return this.switches;
  }

  attempts(): DeliveryAttempt[] {
    return [...this.recent];
  }

  /** Queues one event (each PayPal operation produces one); switches apply here. */
  enqueue(event: WebhookEvent): void {
    if (this.closed) return;
    const skipped = this.skipReason();
    if (skipped) {
      this.remember({ event_id: event.id, event_type: event.event_type, attempt: 0, at: new Date().toISOString(), skipped });
      return;
    }
    const copies = this.switchesNow.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) this.queue.push({ event, attempt: 1 });
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

  private schedulePump(afterMs: number, job?: Job): void {
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
        const job = this.queue.shift() as Job;
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

  private async send(job: Job): Promise<boolean> {
    const url = this.url;
    const base = { event_id: job.event.id, event_type: job.event.event_type, attempt: job.attempt };
    if (!url) {
      this.remember({ ...base, at: new Date().toISOString(), skipped: 'no_webhook_url' });
      return true;
    }
    const body = JSON.stringify(job.event);
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    this.inFlight.add(controller);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'PayPal/AUHD-214.0 (Durapay PayPal sandbox)', ...this.sign(body) },
        body,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      this.remember({ ...base, at: new Date().toISOString(), status_code: response.status });
      if (response.ok) return true;
      this.log(`webhook ${job.event.event_type} ${job.event.id} attempt ${job.attempt} got HTTP ${response.status}`);
      return false;
    } catch (error) {
      if (this.closed) return true;
      const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      this.remember({ ...base, at: new Date().toISOString(), error: message });
      this.log(`webhook ${job.event.event_type} ${job.event.id} attempt ${job.attempt} failed: ${message}`);
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

  private remember(attempt: DeliveryAttempt): void {
    this.recent.push(attempt);
    if (this.recent.length > KEPT_ATTEMPTS) this.recent.splice(0, this.recent.length - KEPT_ATTEMPTS);
  }
}
