import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../platform/logger';
import { metricsRegistry } from '../platform/metrics';

// The SDK logs each workflow and activity start at DEBUG and INFO: a worker at info shows the SDK's warnings only.
const SDK_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
const PINO_METHODS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * The SDK's own metrics (workflow task and activity schedule-to-start latency, sticky cache hits, slots, polls) come
 * from its Rust core, which serves them in Prometheus format on a loopback port; the worker's /metrics appends them.
 */
export function installWorkerRuntime(options: { logLevel: string; temporalMetricsPort: number; log: Logger }): string {
  const bindAddress = `127.0.0.1:${options.temporalMetricsPort}`;
  // The SDK's lines (workflow and activity logs with their workflowId, activityType, request_id…) as the worker's JSON.
  const sdkLog = options.log.child({ component: 'temporal' });
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVELS[options.logLevel] ?? 'WARN', (entry) => sdkLog[PINO_METHODS[entry.level]]({ ...entry.meta }, entry.message)),
    telemetryOptions: { metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true } } },
  });
  return `http://${bindAddress}/metrics`;
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** GET /metrics: this worker's prom-client registry, then the Temporal SDK's metrics. Loopback unless told otherwise. */
export async function startWorkerMetricsServer(options: { host: string; port: number; temporalMetricsUrl?: string }): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    void (async () => {
      const own = await metricsRegistry.metrics();
      const sdk = options.temporalMetricsUrl
        ? await fetch(options.temporalMetricsUrl).then((answer) => answer.text()).catch(() => '# temporal sdk metrics unavailable\n')
        : '';
      response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(`${own}\n${sdk}`);
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${options.host}:${port}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
