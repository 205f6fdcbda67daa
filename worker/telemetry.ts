import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import { metricsRegistry } from '../platform/metrics';

// The SDK's INFO level prints webpack build stats: show it only when asked for debug output.
const SDK_LEVELS: Record<string, LogLevel> = { trace: 'TRACE', debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };

/**
 * The SDK's own metrics (workflow task and activity schedule-to-start latency, sticky cache hits, slots, polls) come
 * from its Rust core, which serves them in Prometheus format on a loopback port; the worker's /metrics appends them.
 */
export function installWorkerRuntime(options: { logLevel: string; temporalMetricsPort: number }): string {
  const bindAddress = `127.0.0.1:${options.temporalMetricsPort}`;
  Runtime.install({
    logger: new DefaultLogger(SDK_LEVELS[options.logLevel] ?? 'WARN'),
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
