import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrateToLatest } from '../db/migrate';
import { ConfigError, loadConfig, type DurapayConfig } from '../platform/config';
import { describeExit, killAllServicesNow, superviseChild, waitForHttpOk, watchOverServices, type ExitInfo, type SupervisedChild } from '../platform/child-process';
import { acquireSupervisorLock } from '../platform/supervisor-lock';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';
import { PAYPAL_SANDBOX_CREDENTIALS, resolveLocalSecrets, STRIPE_SANDBOX_API_KEY, type LocalSecrets } from '../platform/local-secrets';
import { startSmtpSink } from '../platform/smtp-sink';
import { findTemporalCli } from '../platform/temporal-cli';
import { startTemporalDevServer } from '../platform/temporal-dev-server';

/*
 * `npm start`: one supervisor that brings up a working payment engine. Anything configured through the
 * environment (DATABASE_URL, TEMPORAL_ADDRESS, STRIPE_SECRET_KEY, PAYPAL_CLIENT_ID) is used as is; the rest runs embedded,
 * with its data under DATA_DIR so a restart carries on where it stopped.
 */

const PROJECT_ROOT = path.resolve(__dirname, '..');
type ChildName = 'sandbox' | 'paypal-sandbox' | 'worker' | 'api';
const CHILD_ENTRIES: Record<ChildName, string> = {
  sandbox: 'sandbox/main.ts',
  'paypal-sandbox': 'sandbox/paypal-main.ts',
  worker: 'worker/main.ts',
  api: 'api/main.ts',
};

export interface SupervisorOptions {
  env?: NodeJS.ProcessEnv;
  projectRoot?: string;
  /** Entry files of the children, absolute or relative to projectRoot (e.g. stubs to try the supervisor). */
  childEntries?: Partial<Record<ChildName, string>>;
  /** performance.now() value that "ready in" counts from; by default the process start. */
  startedAtMs?: number;
}

interface Running {
  stopping: boolean;
  lock?: { release(): Promise<void> };
  postgres?: { stop(): Promise<void> };
  temporal?: { stop(): Promise<void> };
  mailSink?: { close(): Promise<void> };
  children: SupervisedChild[];
}

export interface Resolved {
  databaseUrl: string;
  /** null when DATABASE_URL points elsewhere. */
  embeddedPostgresPort: number | null;
  temporalAddress: string;
  temporalUiUrl: string | null;
  sandboxUrl: string | null;
  /** The local PayPal sandbox, run when PAYPAL_CLIENT_ID is unset; null or absent otherwise. */
  paypalSandboxUrl?: string | null;
  secrets: LocalSecrets;
  /** Set when the local SMTP sink catches the mail (no SMTP_URL). */
  mailSink?: { url: string; port: number; mailDir: string };
}

/** Who gets the admin emails when ADMIN_EMAILS is unset and the mail stays on this machine. */
export const LOCAL_ADMIN_EMAIL = 'admin@durapay.local';

const say = (line: string): void => console.log(`[durapay] ${line}`);
const complain = (line: string): void => console.error(`[durapay] ${line}`);
const prefixed = (name: string) => (line: string, stream: 'stdout' | 'stderr' = 'stdout') =>
  (stream === 'stderr' ? process.stderr : process.stdout).write(`[${name}] ${line}\n`);

/** Runs until SIGINT/SIGTERM/SIGHUP or a fatal failure; resolves with the process exit code. */
export async function runSupervisor(options: SupervisorOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let config: DurapayConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 1;
  }

  const shutdown = new AbortController();
  const running: Running = { stopping: false, children: [] };
  let exitCode = 0;
  const fail = (message: string): void => {
    if (running.stopping || shutdown.signal.aborted) return;
    complain(message);
    exitCode = 1;
    shutdown.abort();
  };
  const removeSignalHandlers = handleSignals(shutdown);
  // Whatever this process starts dies with it, even if it is killed with kill -9 (platform/child-process.ts).
  watchOverServices();
  try {
    const resolved = await startServices(config, running, fail);
    throwIfStopping(shutdown.signal);
    const applied = await migrateToLatest(resolved.databaseUrl);
    say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
    throwIfStopping(shutdown.signal);
    running.children = startChildren(config, resolved, env, options);
    if (await waitUntilReady(config, resolved, shutdown.signal)) {
      const seconds = (performance.now() - (options.startedAtMs ?? 0)) / 1000;
      console.log(formatBanner(config, resolved, seconds));
      await new Promise((resolve) => shutdown.signal.addEventListener('abort', resolve, { once: true }));
    }
  } catch (error) {
    if (!shutdown.signal.aborted) {
      complain(error instanceof Error ? error.message : String(error));
      exitCode = 1;
    }
  } finally {
    await stopEverything(running);
    removeSignalHandlers();
  }
  return exitCode;
}

/**
 * First signal: orderly stop. A second one, a moment later: kill everything now. Ctrl-C reaches npm, tsx and this
 * process at once and tsx relays it too, so copies arriving within a second are one press, not two.
 */
function handleSignals(shutdown: AbortController): () => void {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!shutdown.signal.aborted) {
      firstAt = Date.now();
      say(`${signal} received, stopping (press Ctrl-C again to force)`);
      shutdown.abort();
      return;
    }
    if (Date.now() - firstAt < 1000) return;
    complain('forced stop: killing everything');
    killAllServicesNow();
    process.exit(130);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return () => signals.forEach((signal) => process.off(signal, onSignal));
}

function throwIfStopping(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('stopping');
}

/** Secrets, then PostgreSQL and Temporal side by side (each only when not configured externally). */
async function startServices(config: DurapayConfig, running: Running, fail: (message: string) => void): Promise<Resolved> {
  await fs.mkdir(config.dataDir, { recursive: true });
  const lock = await acquireSupervisorLock(config.dataDir);
  running.lock = lock;
  if (lock.previousDied) say(`the previous start on ${config.dataDir} ended without stopping; cleaning up what it left`);
  const usesSandbox = !config.stripe.secretKey;
  const secrets = await resolveLocalSecrets({
    dataDir: config.dataDir,
    adminKey: config.auth.adminKey,
    merchantKey: config.auth.merchantKey,
    stripeWebhookSecret: config.stripe.webhookSecret,
    needsStripeWebhookSecret: usesSandbox,
    // Payloads in Temporal are always encrypted under npm start: TEMPORAL_CODEC_KEYS, or a key generated once and kept.
    needsTemporalCodecKey: !config.temporalSecurity.codecKeys?.length,
  });
  if (secrets.generated.length) say(`generated ${secrets.generated.join(', ')} in ${path.join(config.dataDir, 'secrets.json')}`);

  const onUnexpectedExit = (name: string) => (info: ExitInfo) => fail(`${name} stopped unexpectedly (${describeExit(info)}); shutting down`);
  const database = async (): Promise<{ url: string; port: number | null }> => {
    if (config.database.url) return { url: config.database.url, port: null };
    const dataDir = path.join(config.dataDir, 'postgres');
    say(`starting embedded PostgreSQL on port ${config.database.embeddedPort} (data in ${dataDir})`);
    const postgres = await startEmbeddedPostgres({
      dataDir, port: config.database.embeddedPort, databaseName: 'durapay', persistent: true, log: prefixed('postgres'),
      // This process holds the data folder's lock: a PostgreSQL still running on it was left by a dead supervisor.
      stopLeftover: true,
    }).catch((error: Error) => {
      throw new Error(`embedded PostgreSQL did not start: ${error.message}\nA busy port? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use your own.`);
    });
    running.postgres = postgres;
    void postgres.exited.then(onUnexpectedExit('PostgreSQL'));
    return { url: postgres.url, port: postgres.port };
  };
  const temporal = async (): Promise<{ address: string; uiUrl: string | null }> => {
    if (config.temporal.address) return { address: config.temporal.address, uiUrl: null };
    const cliPath = await findTemporalCli({
      configuredPath: config.temporal.cliPath, projectRoot: PROJECT_ROOT, log: prefixed('temporal'), allowInstall: true,
    });
    say(`starting the Temporal dev server on port ${config.temporal.embeddedPort} (${cliPath})`);
    const server = await startTemporalDevServer({
      cliPath,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      port: config.temporal.embeddedPort,
      uiPort: config.temporal.embeddedUiPort,
      namespace: config.temporal.namespace,
      sqlitePragmas: config.temporal.sqlitePragmas,
      // The UI shows decrypted payloads to signed-in admins through the API's codec endpoint (docs/operations.md).
      uiCodecEndpoint: `${config.publicUrl}/admin/codec`,
      log: prefixed('temporal'),
    }).catch((error: Error) => {
      throw new Error(`the Temporal dev server did not start: ${error.message}\nA busy port? Set EMBEDDED_TEMPORAL_PORT / EMBEDDED_TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS.`);
    });
    running.temporal = server;
    void server.exited.then(onUnexpectedExit('Temporal'));
    return server;
  };

  const mail = async (): Promise<Resolved['mailSink']> => {
    if (config.mail.smtpUrl) return undefined;
    const sink = await startSmtpSink({ dataDir: config.dataDir, port: config.mail.sinkPort, log: prefixed('mail') }).catch((error: Error) => {
      throw new Error(`the local SMTP sink did not start: ${error.message}\nA busy port? Set SMTP_SINK_PORT, or SMTP_URL to send real mail.`);
    });
    running.mailSink = sink;
    say(`catching outgoing mail on ${sink.url} (messages in ${sink.mailDir})`);
    return { url: sink.url, port: sink.port, mailDir: sink.mailDir };
  };

  const [postgres, temporalServer, mailSink] = await Promise.allSettled([database(), temporal(), mail()]);
  if (postgres.status === 'rejected') throw postgres.reason;
  if (temporalServer.status === 'rejected') throw temporalServer.reason;
  if (mailSink.status === 'rejected') throw mailSink.reason;
  return {
    databaseUrl: postgres.value.url,
    embeddedPostgresPort: postgres.value.port,
    temporalAddress: temporalServer.value.address,
    temporalUiUrl: temporalServer.value.uiUrl,
    sandboxUrl: usesSandbox ? `http://127.0.0.1:${config.stripe.sandboxPort}` : null,
    paypalSandboxUrl: config.paypal.clientId ? null : `http://127.0.0.1:${config.paypal.sandboxPort}`,
    secrets,
    mailSink: mailSink.value,
  };
}

/**
 * Two malloc arenas instead of eight per core: the worker's Rust and V8 threads otherwise each grow their own (about
 * 60 MB of resident memory with 600 parked payments here). Fixed mmap and trim thresholds (128 kB): glibc otherwise
 * raises them as the worker frees large buffers and keeps that memory (peak with 3,000 parked 628 → 575 MB, at the
 * end 628 → 488 MB). V8 heaps sized for what the worker holds (about 90 MB live in the main isolate): 4 MB
 * semi-spaces instead of 16 and a 384 MB old space, so garbage is collected before it costs resident memory (3,000
 * parked: 345 MB instead of 488). docs/performance.md. A value already set wins.
 */
export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072',
    NODE_OPTIONS: '--max-old-space-size=384 --max-semi-space-size=4', ...env,
  };
}

/** The settings every child gets, so it runs exactly as it would as a production process. */
export function childEnvironment(config: DurapayConfig, resolved: Resolved, baseEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const settings: Record<string, string | undefined> = {
    DATABASE_URL: resolved.databaseUrl,
    TEMPORAL_ADDRESS: resolved.temporalAddress,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    STRIPE_SECRET_KEY: config.stripe.secretKey ?? STRIPE_SANDBOX_API_KEY,
    STRIPE_WEBHOOK_SECRET: resolved.secrets.stripeWebhookSecret,
    STRIPE_API_BASE: resolved.sandboxUrl ?? config.stripe.apiBase,
    ADMIN_API_KEY: resolved.secrets.adminKey,
    TEMPORAL_UI_URL: config.adminConsole.temporalUiUrl ?? resolved.temporalUiUrl ?? undefined,
    MERCHANT_API_KEY: resolved.secrets.merchantKey,
    // Payloads in Temporal are encrypted; the key was generated once and kept in secrets.json (or comes from the env).
    TEMPORAL_CODEC_KEYS: baseEnv.TEMPORAL_CODEC_KEYS ?? resolved.secrets.temporalCodecKeys,
    DATA_DIR: config.dataDir,
    PORT: String(config.port),
    HOST: config.host,
    ...payPalSettings(config, resolved),
    SMTP_URL: resolved.mailSink?.url ?? config.mail.smtpUrl,
    MAIL_SINK_DIR: resolved.mailSink?.mailDir,
    // admin@durapay.local only makes sense while the mail stays in the local sink.
    ADMIN_EMAILS: config.mail.adminEmails.length ? config.mail.adminEmails.join(',') : resolved.mailSink ? LOCAL_ADMIN_EMAIL : undefined,
  };
  const env: NodeJS.ProcessEnv = { ...baseEnv };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** The local PayPal sandbox's credentials when it runs, else whatever the environment configured. */
function payPalSettings(config: DurapayConfig, resolved: Resolved): Record<string, string | undefined> {
  if (!resolved.paypalSandboxUrl) {
    const { clientId, clientSecret, webhookId, apiBase } = config.paypal;
    return { PAYPAL_CLIENT_ID: clientId, PAYPAL_CLIENT_SECRET: clientSecret, PAYPAL_WEBHOOK_ID: webhookId, PAYPAL_API_BASE: apiBase };
  }
  const { clientId, clientSecret, webhookId } = PAYPAL_SANDBOX_CREDENTIALS;
  return { PAYPAL_CLIENT_ID: clientId, PAYPAL_CLIENT_SECRET: clientSecret, PAYPAL_WEBHOOK_ID: webhookId, PAYPAL_API_BASE: resolved.paypalSandboxUrl };
}

function startChildren(config: DurapayConfig, resolved: Resolved, baseEnv: NodeJS.ProcessEnv, options: SupervisorOptions): SupervisedChild[] {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const env = childEnvironment(config, resolved, baseEnv);
  const start = (name: ChildName, childEnv: NodeJS.ProcessEnv): SupervisedChild =>
    superviseChild({
      name,
      command: process.execPath,
      args: ['--import', 'tsx', path.resolve(projectRoot, options.childEntries?.[name] ?? CHILD_ENTRIES[name])],
      cwd: projectRoot,
      env: childEnv,
      onLine: prefixed(name),
    });
  const children: SupervisedChild[] = [];
  if (resolved.sandboxUrl) {
    children.push(
      start('sandbox', {
        ...env,
        HOST: '127.0.0.1', // the sandbox is for this machine only, whatever HOST the API binds
        STRIPE_SANDBOX_PORT: String(config.stripe.sandboxPort),
        STRIPE_SANDBOX_WEBHOOK_URL: `${config.publicUrl}/webhooks/stripe`,
      }),
    );
  }
  if (resolved.paypalSandboxUrl) {
    children.push(
      start('paypal-sandbox', {
        ...env,
        HOST: '127.0.0.1', // like the Stripe sandbox: for this machine only
        PAYPAL_SANDBOX_PORT: String(config.paypal.sandboxPort),
        PAYPAL_SANDBOX_WEBHOOK_URL: `${config.publicUrl}/webhooks/paypal`,
      }),
    );
  }
  children.push(start('worker', workerEnvironment(env)), start('api', env));
  return children;
}

/** Resolves true once the API's /readyz (and the sandbox's /healthz) answer 200, false if stopped first. */
async function waitUntilReady(config: DurapayConfig, resolved: Resolved, signal: AbortSignal): Promise<boolean> {
  const checks = [`${localApiUrl(config)}/readyz`];
  if (resolved.sandboxUrl) checks.push(`${resolved.sandboxUrl}/healthz`);
  if (resolved.paypalSandboxUrl) checks.push(`${resolved.paypalSandboxUrl}/healthz`);
  const reminder = setInterval(() => say(`still waiting for ${checks.join(' and ')} to answer 200…`), 30_000);
  try {
    const results = await Promise.all(checks.map((url) => waitForHttpOk(url, signal)));
    return results.every(Boolean);
  } finally {
    clearInterval(reminder);
  }
}

/** Children first, so they finish in-flight work while Temporal and PostgreSQL are still up. */
async function stopEverything(running: Running): Promise<void> {
  running.stopping = true;
  if (!running.postgres && !running.temporal && !running.mailSink && running.children.length === 0) {
    await running.lock?.release();
    return;
  }
  say('stopping the API, worker and sandbox…');
  await Promise.all(running.children.map((child) => child.stop(10_000)));
  if (running.temporal) {
    say('stopping Temporal…');
    await running.temporal.stop();
  }
  if (running.postgres) {
    say('stopping PostgreSQL…');
    await running.postgres.stop();
  }
  await running.mailSink?.close();
  say('stopped; data is kept for the next start');
  await running.lock?.release();
}

function localApiUrl(config: DurapayConfig): string {
  // A wildcard bind address is reachable locally through loopback.
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

export function formatBanner(config: DurapayConfig, resolved: Resolved, readySeconds: number): string {
  const api = localApiUrl(config);
  const fromEnv = (name: string, value: string, configured?: string) => (configured ? `(from ${name})` : value);
  const merchantKey = config.auth.merchantKey ? '$MERCHANT_API_KEY' : resolved.secrets.merchantKey;
  const rows: [string, string][] = [
    ['API', api],
    ['Admin console', `${api}/admin`],
    ['Temporal UI', resolved.temporalUiUrl ?? `external (${resolved.temporalAddress})`],
    ['Stripe sandbox', resolved.sandboxUrl ?? 'not used (real Stripe API)'],
    ['PayPal sandbox', resolved.paypalSandboxUrl ?? (config.paypal.clientId ? 'not used (PayPal API, PAYPAL_CLIENT_ID)' : 'off')],
    ['PostgreSQL', resolved.embeddedPostgresPort === null ? 'external (DATABASE_URL)' : `embedded, port ${resolved.embeddedPostgresPort}`],
    ['Admin key', fromEnv('ADMIN_API_KEY', resolved.secrets.adminKey, config.auth.adminKey)],
    ['Merchant key', fromEnv('MERCHANT_API_KEY', resolved.secrets.merchantKey, config.auth.merchantKey)],
    ['Mail', resolved.mailSink ? `caught locally, written to ${resolved.mailSink.mailDir}` : config.mail.smtpUrl ? 'sent through SMTP_URL' : 'not configured'],
    ['Data dir', config.dataDir],
  ];
  const rule = '─'.repeat(72);
  return [
    '',
    rule,
    `  Durapay is ready in ${readySeconds.toFixed(1)}s`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(15)} ${value}`),
    '',
    '  Create a payment:',
    `  curl -X POST ${api}/v1/payments -H "Authorization: Bearer ${merchantKey}" -H "Idempotency-Key: $(uuidgen)" ` +
      `-H 'Content-Type: application/json' -d '{"amount":1000,"currency":"eur","payment_method":"pm_card_visa"}'`,
    '',
    '  Ctrl-C stops everything; the data above is kept for the next start.',
    rule,
    '',
  ].join('\n');
}

if (require.main === module) {
  runSupervisor().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      killAllServicesNow();
      process.exit(1);
    },
  );
}
