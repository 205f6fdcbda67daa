import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort, spawnService, type ServiceProcess, waitForHttpOk } from '../platform/child-process';
import { loadConfig } from '../platform/config';
import { PAYPAL_SANDBOX_CREDENTIALS, STRIPE_SANDBOX_API_KEY } from '../platform/local-secrets';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 180_000;
const RATE_LIMITS = ['RATE_LIMIT_PER_IP', 'RATE_LIMIT_READS_PER_KEY', 'RATE_LIMIT_WRITES_PER_KEY', 'RATE_LIMIT_PAYMENT_CREATION_PER_KEY', 'RATE_LIMIT_WEBHOOKS_PER_IP'];

/** What the bench drives: a Durapay it started (and stops), or the `npm start` already running here. */
export interface BenchTarget {
  started: boolean;
  /** The supervisor's pid when the bench started it: its processes' CPU is measured. */
  pid?: number;
  apiUrl: string;
  merchantKey: string;
  webhookSecret: string;
  databaseUrl: string;
  temporalAddress: string;
  sandboxUrl: string;
  workerMetricsUrl: string;
  /** The environment `npm start` gives its API and worker, to start more of them (scale-out). */
  childEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

function readSecrets(dataDir: string): Record<string, string> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
}

async function answers(url: string): Promise<boolean> {
  return waitForHttpOk(url, AbortSignal.timeout(1500));
}

/** Uses a running `npm start` (the README's ports, .data secrets) when its API answers; otherwise starts one. */
export async function startOrAttach(log: (line: string) => void): Promise<BenchTarget> {
  const config = loadConfig();
  if (process.env.BENCH_START !== '1' && (await answers(`http://127.0.0.1:${config.port}/readyz`))) {
    log(`using the running npm start at http://127.0.0.1:${config.port} (start it with RATE_LIMIT_*=0 or the bench's load meets 429s)`);
    const secrets = readSecrets(config.dataDir);
    const databaseUrl = config.database.url ?? `postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/durapay`;
    const temporalAddress = config.temporal.address ?? `127.0.0.1:${config.temporal.embeddedPort}`;
    return {
      started: false, apiUrl: `http://127.0.0.1:${config.port}`, merchantKey: config.auth.merchantKey ?? secrets.merchantKey,
      webhookSecret: config.stripe.webhookSecret ?? secrets.stripeWebhookSecret, databaseUrl, temporalAddress,
      sandboxUrl: `http://127.0.0.1:${config.stripe.sandboxPort}`, workerMetricsUrl: `http://127.0.0.1:${config.observability.workerMetricsPort}/metrics`,
      childEnv: {}, stop: async () => undefined,
    };
  }
  return startOwn(log);
}

/** `npm start` on free loopback ports with a throwaway DATA_DIR; stop() ends it and deletes the data. */
async function startOwn(log: (line: string) => void): Promise<BenchTarget> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durapay-bench-'));
  const [api, postgres, temporal, temporalUi, sandbox, paypal, smtp, metrics] = await Promise.all(Array.from({ length: 8 }, () => findFreePort()));
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(api), EMBEDDED_POSTGRES_PORT: String(postgres),
    EMBEDDED_TEMPORAL_PORT: String(temporal), EMBEDDED_TEMPORAL_UI_PORT: String(temporalUi), STRIPE_SANDBOX_PORT: String(sandbox),
    PAYPAL_SANDBOX_PORT: String(paypal), SMTP_SINK_PORT: String(smtp), WORKER_METRICS_PORT: String(metrics),
    SYNC_INTERVAL_MINUTES: '0', LOG_LEVEL: 'warn',
    // The webhook bench's receiver listens on loopback.
    MERCHANT_WEBHOOK_TARGETS: 'any',
    // The bench measures the engine, not the rate limiter: 300 webhooks/s from one address is over budget by design.
    ...Object.fromEntries(RATE_LIMITS.map((name) => [name, '0'])),
  };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'STRIPE_SECRET_KEY', 'STRIPE_API_BASE', 'PAYPAL_CLIENT_ID', 'SMTP_URL', 'ADMIN_API_KEY', 'MERCHANT_API_KEY']) delete env[key];
  log(`starting npm start in ${dataDir} (API on port ${api})`);
  const recent: string[] = [];
  const supervisor: ServiceProcess = spawnService({
    command: process.execPath, args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'scripts', 'start.ts')], cwd: PROJECT_ROOT, env,
    onLine: (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (process.env.BENCH_VERBOSE) log(line);
    },
  });
  const stop = async () => {
    await supervisor.stop({ signal: 'SIGTERM', graceMs: 30_000 });
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const apiUrl = `http://127.0.0.1:${api}`;
  if (!(await waitForHttpOk(`${apiUrl}/readyz`, AbortSignal.any([AbortSignal.timeout(READY_TIMEOUT_MS), exitSignal(supervisor)])))) {
    await stop();
    throw new Error(`npm start did not become ready:\n${recent.join('\n')}`);
  }
  // The worker bundles its workflows after the API is up: wait for it too.
  await waitForHttpOk(`http://127.0.0.1:${metrics}/metrics`, AbortSignal.timeout(READY_TIMEOUT_MS));
  const secrets = readSecrets(dataDir);
  const databaseUrl = `postgres://postgres:postgres@127.0.0.1:${postgres}/durapay`;
  const sandboxUrl = `http://127.0.0.1:${sandbox}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`, STRIPE_SECRET_KEY: STRIPE_SANDBOX_API_KEY,
    STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret, STRIPE_API_BASE: sandboxUrl, ADMIN_API_KEY: secrets.adminKey, MERCHANT_API_KEY: secrets.merchantKey,
    PAYPAL_CLIENT_ID: PAYPAL_SANDBOX_CREDENTIALS.clientId, PAYPAL_CLIENT_SECRET: PAYPAL_SANDBOX_CREDENTIALS.clientSecret,
    PAYPAL_WEBHOOK_ID: PAYPAL_SANDBOX_CREDENTIALS.webhookId, PAYPAL_API_BASE: `http://127.0.0.1:${paypal}`, SMTP_URL: `smtp://127.0.0.1:${smtp}`,
    ADMIN_EMAILS: 'admin@durapay.local', PUBLIC_URL: apiUrl,
    // The stack's payloads in Temporal are encrypted with the key npm start generated: the scale-out pair needs it too.
    ...(secrets.temporalCodecKeys ? { TEMPORAL_CODEC_KEYS: secrets.temporalCodecKeys } : {}),
  };
  return {
    started: true, pid: supervisor.pid, apiUrl, merchantKey: secrets.merchantKey, webhookSecret: secrets.stripeWebhookSecret, databaseUrl,
    temporalAddress: `127.0.0.1:${temporal}`, sandboxUrl, workerMetricsUrl: `http://127.0.0.1:${metrics}/metrics`, childEnv, stop,
  };
}

function exitSignal(service: ServiceProcess): AbortSignal {
  const controller = new AbortController();
  void service.exited.then(() => controller.abort());
  return controller.signal;
}

/** One more API or worker process on the same PostgreSQL and Temporal (scale-out); stop() ends it. */
export async function startExtraProcess(target: BenchTarget, kind: 'api' | 'worker', log: (line: string) => void): Promise<{ url?: string; stop(): Promise<void> }> {
  const port = await findFreePort();
  const env = { ...target.childEnv, ...(kind === 'api' ? { PORT: String(port) } : { WORKER_METRICS_PORT: String(port) }) };
  const child = spawnService({
    command: process.execPath, args: ['--import', 'tsx', path.join(PROJECT_ROOT, kind, 'main.ts')], cwd: PROJECT_ROOT, env,
    onLine: (line) => (process.env.BENCH_VERBOSE ? log(`[${kind}2] ${line}`) : undefined),
  });
  const url = kind === 'api' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/metrics`;
  await waitForHttpOk(kind === 'api' ? `${url}/readyz` : url, AbortSignal.any([AbortSignal.timeout(READY_TIMEOUT_MS), exitSignal(child)]));
  return { url: kind === 'api' ? url : undefined, stop: async () => void (await child.stop({ signal: 'SIGTERM', graceMs: 15_000 })) };
}
