import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per process (API or worker), served at /metrics. prom-client: the de facto Node client,
 * maintained under the Prometheus org's umbrella (siimon/prom-client), no native code.
 */
export const metricsRegistry = new Registry();

// Buckets from 1 ms to 30 s: a webhook ack is milliseconds, a payment held up by a slow provider is seconds.
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const httpRequestDuration = new Histogram({
  name: 'durapay_http_request_duration_seconds',
  help: 'API answer time by route pattern (never the raw path: ids would explode the label set)',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const webhookAckDuration = new Histogram({
  name: 'durapay_webhook_ack_seconds',
  help: 'Time to acknowledge a provider webhook (verify and store; the hand-off to the workflow follows)',
  labelNames: ['provider', 'status'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const webhookHandoffDuration = new Histogram({
  name: 'durapay_webhook_handoff_seconds',
  help: 'Time to hand a stored webhook to its workflow (signal, late recording, or none matched), after the answer',
  labelNames: ['provider', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const webhookHandoffQueue = new Gauge({
  name: 'durapay_webhook_handoff_queue',
  help: 'Stored webhooks waiting in this API process for their hand-off to the workflow',
  registers: [metricsRegistry],
});

export const webhookApplyLag = new Histogram({
  name: 'durapay_webhook_apply_lag_seconds',
  help: 'From a webhook stored by the API to the workflow having applied it (processed_at - received_at)',
  labelNames: ['provider'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const activityDuration = new Histogram({
  name: 'durapay_activity_duration_seconds',
  help: 'Activity execution time in this worker, local activities included',
  labelNames: ['activity', 'kind', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metricsRegistry],
});

export const paymentOutcomes = new Counter({
  name: 'durapay_payments_total',
  help: 'Payments (attempts) reaching a final status, by provider, method and failure code',
  labelNames: ['provider', 'method', 'status', 'failure_code'] as const,
  registers: [metricsRegistry],
});

let processMetrics = false;

/** RSS, heap, event-loop lag and GC of this process; once per process (the registry refuses a second set). */
export function collectProcessMetrics(prefix: string): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix });
}
