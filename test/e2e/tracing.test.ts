import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { findFreePort } from '../../platform/child-process';
import { TestStack } from '../support/stack';
import { testEnv } from '../support/test-env';
import { waitFor } from '../support/wait';

/** A span as OTLP/JSON carries it (ids in hex). */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A local OTLP/HTTP receiver (POST /v1/traces, JSON), as a collector would be: what API and worker export. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const value = (v: Record<string, unknown>) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { resourceSpans: any[] };
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue;
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              spans.push({
                service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name,
                attributes: Object.fromEntries((span.attributes ?? []).map((a: any) => [a.key, value(a.value)])),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tracing and request ids in the worker', () => {
  let stack: TestStack;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let api: ChildProcess | undefined;
  let apiUrl: string;
  const workerLines: Array<Record<string, any>> = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await TestStack.start({ worker: 'none', timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    // No prebuilt bundle: the worker bundles its workflows with OpenTelemetry's workflow interceptors, as in production.
    stack.startWorkerProcess({ ...tracing, TEMPORAL_WORKFLOW_BUNDLE: '', LOG_LEVEL: 'debug' }, (line) => {
      if (line.startsWith('{')) workerLines.push(JSON.parse(line));
    });
    // The API as its own process (tracing is per process), on the test's database and Temporal. A free port can be
    // taken by another process before the API binds it (EADDRINUSE in CI): then the API exits, and another port is tried.
    for (let attempt = 1; ; attempt++) {
      const port = await findFreePort();
      apiUrl = `http://127.0.0.1:${port}`;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', '..', 'api', 'main.ts')], {
        env: {
          ...process.env, ...tracing, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn',
          DATABASE_URL: testEnv().databaseUrl, TEMPORAL_ADDRESS: testEnv().temporalAddress, TEMPORAL_NAMESPACE: 'default', TEMPORAL_TASK_QUEUE: stack.taskQueue,
          MERCHANT_API_KEY: stack.merchantKey, STRIPE_SECRET_KEY: 'sk_test_durapay_sandbox', STRIPE_WEBHOOK_SECRET: stack.webhookSecret, STRIPE_API_BASE: stack.sandbox.url,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      api = child;
      let exited = false;
      child.once('exit', () => (exited = true));
      const ready = await waitFor(async () => {
        if (exited) return 'exited' as const;
        return (await fetch(`${apiUrl}/readyz`).catch(() => undefined))?.ok ? ('ready' as const) : undefined;
      }, { what: 'the traced API', timeoutMs: 120_000 });
      if (ready === 'ready') break;
      if (attempt === 3) throw new Error('the traced API exited three times before it was ready');
    }
    await waitFor(async () => (workerLines.some((line) => line.msg === 'worker running') ? true : undefined), { what: 'the traced worker', timeoutMs: 180_000 });
  }, 240_000);

  afterAll(async () => {
    api?.kill('SIGTERM');
    await stack?.stop();
    await receiver?.close();
  });

  it('traces a payment from the API request through update-with-start, the workflow and its activities, and logs its request id in the worker', async () => {
    const requestId = `trace-test-${Date.now()}`;
    const answer = await fetch(`${apiUrl}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.merchantKey}`, 'idempotency-key': `${requestId}-key`, 'content-type': 'application/json', 'request-id': requestId },
      body: JSON.stringify({ amount: 1200, currency: 'eur', payment_method: 'pm_card_visa' }),
    });
    const payment = (await answer.json()) as { id: string; status: string };
    expect(answer.status).toBe(201);
    expect(payment.status).toBe('succeeded');

    // One trace: the API's request span, its update-with-start, the workflow run and its activities.
    const request = await waitFor(async () => receiver.spans.find((span) => span.service === 'durapay-api' && span.attributes['durapay.request_id'] === requestId), { what: 'the API request span' });
    expect(request.name).toBe('POST /v1/payments');
    const names = ['UpdateWithStartWorkflow:', 'RunWorkflow:takePayment', 'RunActivity:createProviderPayment'];
    const trace = await waitFor(async () => {
      const spans = receiver.spans.filter((span) => span.traceId === request.traceId);
      return names.every((name) => spans.some((span) => span.name.startsWith(name))) ? spans : undefined;
    }, { what: 'the workflow and activity spans in the API request’s trace' });
    const byName = (name: string) => trace.find((span) => span.name.startsWith(name))!;
    expect(byName('UpdateWithStartWorkflow:').parentSpanId).toBe(request.spanId);
    expect(byName('UpdateWithStartWorkflow:').attributes.temporalWorkflowId).toBe(payment.id);
    expect(byName('RunWorkflow:takePayment').service).toBe('durapay-worker');
    expect(byName('RunActivity:createProviderPayment').service).toBe('durapay-worker');
    // Linked, not merely in the same trace: every span's parent is a span of this trace.
    const ids = new Set(trace.map((span) => span.spanId));
    for (const span of trace) if (span !== request) expect(ids).toContain(span.parentSpanId);

    // The worker's log lines about this payment carry the request id: the workflow's and its activities'.
    const lines = await waitFor(async () => {
      const mine = workerLines.filter((line) => line.workflowId === payment.id);
      return mine.some((line) => line.msg === 'Activity completed' && line.activityType === 'createProviderPayment') ? mine : undefined;
    }, { what: 'the worker log lines of the payment' });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'Workflow started', workflowType: 'takePayment', request_id: requestId }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'Activity completed', activityType: 'createProviderPayment', request_id: requestId }));
    // The SDK writes "Activity started" before any interceptor sees the activity's headers: the one line without.
    for (const line of lines.filter((l) => l.msg !== 'Activity started')) expect(line.request_id).toEqual(expect.any(String));
  });
});
