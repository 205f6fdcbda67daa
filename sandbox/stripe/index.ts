import { listen } from '../shared/http-server';
import { buildApp } from './app';
import type { SandboxCore } from './core';
import { startOperation } from './events';
import { openDispute } from './disputes';
import { failRefund } from './refunds';
import { settleSepaDebit } from './sepa-debit-flow';
import { SandboxStore } from './store';
import { createStripeWebhookDelivery } from './webhook-delivery';

export interface StripeSandboxOptions {
  host?: string; // default '127.0.0.1'
  port?: number; // default 0 (random free port)
  webhookUrl?: string | null; // where signed events are POSTed; null/undefined = don't deliver
  webhookSecret: string; // 'whsec_...' used to sign deliveries
  stateFile?: string | null; // JSON file to persist all objects+events; load on start if exists
  log?: (line: string) => void; // default console.log
  sepaDelayMs?: number; // how long SEPA debits stay processing; default 3000
  disputeDelayMs?: number; // how long after a pm_card_createDispute payment its dispute opens; default 3000
  disputeEvidenceDueSeconds?: number; // how long the merchant has for evidence; default 7 days
}

export interface StripeSandbox {
  url: string; // e.g. 'http://127.0.0.1:41234'
  port: number;
  setWebhookUrl(url: string | null): void;
  close(): Promise<void>; // flushes state, stops pending deliveries/timers
}

/** How long a pm_card_refundFail refund looks fine before it fails ("a moment later"). */
const REFUND_FAILURE_DELAY_MS = 1000;
/** Stripe's test IBANs settle "after a few seconds"; short enough to watch, long enough to see processing. */
const DEFAULT_SEPA_DELAY_MS = 3000;
/** Stripe's test disputes open "a few seconds" after the payment. */
const DEFAULT_DISPUTE_DELAY_MS = 3000;
const DEFAULT_DISPUTE_EVIDENCE_DUE_SECONDS = 7 * 24 * 3600;

/** Starts a local HTTP server that answers the Stripe SDK like Stripe test mode does. */
export async function startStripeSandbox(options: StripeSandboxOptions): Promise<StripeSandbox> {
  if (!options.webhookSecret?.startsWith('whsec_')) throw new Error('Stripe sandbox: webhookSecret must start with whsec_');
  const host = options.host ?? '127.0.0.1';
  const sink = options.log ?? ((line: string) => console.log(line));
  const log = (line: string): void => sink(`[stripe-sandbox] ${line}`);

  const store = new SandboxStore(options.stateFile ?? null, (error) => log(`could not save state: ${String(error)}`));
  await store.load();
  const delivery = createStripeWebhookDelivery(options.webhookSecret, options.webhookUrl ?? null, log);
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  /** Timers change state outside any request; their events go out like a request's. */
  const asOperation = (change: (operation: ReturnType<typeof startOperation>) => void): void => {
    const operation = startOperation(store, delivery, { id: null, idempotency_key: null });
    change(operation);
    operation.finish();
  };
  const sepaDelayMs = options.sepaDelayMs ?? DEFAULT_SEPA_DELAY_MS;
  if (!Number.isFinite(sepaDelayMs) || sepaDelayMs < 0) throw new Error('Stripe sandbox: sepaDelayMs must be a non-negative number');
  const disputeDelayMs = options.disputeDelayMs ?? DEFAULT_DISPUTE_DELAY_MS;
  if (!Number.isFinite(disputeDelayMs) || disputeDelayMs < 0) throw new Error('Stripe sandbox: disputeDelayMs must be a non-negative number');
  let baseUrl = '';

  const core: SandboxCore = {
    store,
    delivery,
    baseUrl: () => baseUrl,
    log,
    sepaDelayMs,
    disputeDelayMs,
    disputeEvidenceDueSeconds: options.disputeEvidenceDueSeconds ?? DEFAULT_DISPUTE_EVIDENCE_DUE_SECONDS,
    scheduleDispute(chargeId) {
      const dueAt = store.disputesToOpen.get(chargeId) ?? Date.now();
      later(Math.max(0, dueAt - Date.now()), () => asOperation((operation) => openDispute(core, operation, chargeId)));
    },
    scheduleRefundFailure(refundId) {
      later(REFUND_FAILURE_DELAY_MS, () => asOperation((operation) => failRefund(core, operation, refundId)));
    },
    scheduleSepaSettlement(paymentIntentId) {
      const dueAt = store.sepaSettlements.get(paymentIntentId) ?? Date.now();
      later(Math.max(0, dueAt - Date.now()), () => asOperation((operation) => settleSepaDebit(core, operation, paymentIntentId)));
    },
  };
  // Refunds waiting to fail and SEPA debits still processing when the sandbox last stopped carry on.
  for (const refundId of store.refundsAwaitingFailure) core.scheduleRefundFailure(refundId);
  for (const paymentIntentId of store.sepaSettlements.keys()) core.scheduleSepaSettlement(paymentIntentId);
  for (const chargeId of store.disputesToOpen.keys()) core.scheduleDispute(chargeId);

  const server = await listen(buildApp(core).callback(), host, options.port ?? 0);
  baseUrl = server.url;
  log(`Durapay Stripe sandbox listening on ${baseUrl} (test mode only, no real money moves)`);

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    port: server.port,
    setWebhookUrl(url) {
      delivery.setUrl(url);
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        delivery.close();
        await server.close();
        await store.flush();
      })();
      return closing;
    },
  };
}
