import { completeThreeDSecure } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((pair) => l.includes(pair)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('observability', () => {
  let stack: TestStack;
  let workerMetrics: string;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    stack = await TestStack.start({
      worker: 'none', timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 },
      apiLog: { write: (line: string) => void logLines.push(JSON.parse(line)) },
    });
    // Port 0: a port found free here could be taken before the worker binds it; the worker says where it listens.
    let metricsUrl: string | undefined;
    stack.startWorkerProcess({ WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info' }, (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as { msg?: string; metrics?: string };
      if (entry.msg === 'worker running') metricsUrl ??= entry.metrics;
    });
    workerMetrics = await waitFor(async () => metricsUrl, { what: 'the worker running', timeoutMs: 180_000 });
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const scrapeWorker = () => waitFor(async () => (await fetch(workerMetrics)).text(), { what: 'the worker /metrics', timeoutMs: 60_000 });

  it('answers every request with a Request-Id, keeps a caller’s own, and puts it in the log lines', async () => {
    const mine = 'merchant-trace-0001';
    const created = await stack.createPayment({ payment_method: 'pm_card_visa' }, {});
    expect(created.headers.get('request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const echoed = await stack.request('GET', `/v1/payments/${created.body.id}`, { headers: { 'request-id': mine } });
    expect(echoed.headers.get('request-id')).toBe(mine);
    // Errors too, and an id that could smuggle anything into a log line is replaced.
    const refused = await stack.request('GET', '/v1/payments', { key: null, headers: { 'request-id': 'bad id "forged":1' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('request-id')).toMatch(/^req_/);

    const lines = logLines.filter((line) => line.request_id === mine);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', path: `/v1/payments/${created.body.id}`, status: 200 }));
    const requestLines = logLines.filter((line) => line.msg === 'request');
    expect(requestLines.length).toBeGreaterThanOrEqual(3);
    for (const line of requestLines) expect(line.request_id).toEqual(expect.stringMatching(/^(req_|merchant-)/));
  });

  it('serves API latency by route and webhook acknowledgement times at /metrics', async () => {
    const created = await stack.createPayment({ payment_method: 'pm_card_authenticationRequired' });
    expect(created.body.status).toBe('requires_action');
    await completeThreeDSecure(created.body.next_action!.redirect_to_url.url, 'approve');
    await stack.waitForPayment(created.body.id, (p) => p.status === 'succeeded');
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(sample(metrics, 'durapay_http_request_duration_seconds_count', { method: 'POST', route: '/v1/payments', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'durapay_http_request_duration_seconds_count', { method: 'GET', route: '/v1/payments/:id' })).toBeGreaterThanOrEqual(1);
    expect(sample(metrics, 'durapay_webhook_ack_seconds_count', { provider: 'stripe', status: '200' })).toBeGreaterThanOrEqual(1);
    // Ids never become labels.
    expect(metrics).not.toContain(created.body.id);
  });

  it('exports payment outcomes, activity latencies, webhook lag and the Temporal SDK’s metrics from the worker', async () => {
    const declined = await stack.createPayment({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(declined.body.status).toBe('failed');
    const text = await waitFor(async () => {
      const scraped = await scrapeWorker();
      const lagged = sample(scraped, 'durapay_webhook_apply_lag_seconds_count', { provider: 'stripe' }) ?? 0;
      return lagged >= 1 ? scraped : undefined;
    }, { what: 'webhook lag in the worker metrics', timeoutMs: 60_000 });
    expect(sample(text, 'durapay_payments_total', { provider: 'stripe', method: 'card', status: 'succeeded', failure_code: '' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'durapay_payments_total', { provider: 'stripe', method: 'card', status: 'failed', failure_code: 'insufficient_funds' })).toBe(1);
    expect(sample(text, 'durapay_activity_duration_seconds_count', { activity: 'createProviderPayment', outcome: 'completed' })).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^durapay_worker_process_resident_memory_bytes \d/m);
    // From the SDK's Rust core: workflow task latency and the sticky cache, among others.
    expect(text).toMatch(/^temporal_workflow_task_execution_latency_seconds_count\{/m);
  });
});
