import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { DestinationStream } from 'pino';
import { startApiServer, type RunningApi } from '../../api/server';
import type { Payment } from '../../domain/payment';
import { migrateToLatest } from '../../db/migrate';
import { connectDatabase, type Database } from '../../platform/database';
import { createLogger } from '../../platform/logger';
import { connectTemporal } from '../../platform/temporal';
import { dataConverterFor } from '../../platform/temporal-security';
import { createProviders } from '../../providers/registry';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe';
import { type PayPalSandbox, startPayPalSandbox } from '../../sandbox/paypal';
import { createDurapayWorker, type DurapayWorker } from '../../worker/create-worker';
import { ensureSyncSchedules } from '../../worker/sync-schedules';
import { startWebhookDispatcher, type WebhookDispatcher } from '../../worker/webhook-dispatcher';
import type { PaymentTiming } from '../../workflows/definitions';
import type { DisputeSettings, DurapayConfig, RefundSettings } from '../../platform/config';
import { findFreePort } from '../../platform/child-process';
import { createMailer } from '../../platform/mailer';
import type { AutoPauseSettings, RiskSettings } from '../../domain/risk';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture';
import { testEnv } from './test-env';
import { waitFor } from './wait';

const projectRoot = path.resolve(__dirname, '..', '..');

export interface StackOptions {
  timing?: Partial<PaymentTiming>;
  offlineExpiryDays?: number;
  refunds?: Partial<RefundSettings>;
  /** Dispute workflows' timing (reminder lead, provider polling). */
  disputes?: Partial<DisputeSettings>;
  /** When the Stripe sandbox opens pm_card_createDispute disputes, and how long their evidence may take. */
  stripeDisputes?: { delayMs?: number; evidenceDueSeconds?: number };
  /** Temporal payload encryption (and TLS) for this stack's client and inline worker; absent: none. */
  temporalSecurity?: import('../../platform/temporal-security').TemporalSecurity;
  /** The API's rate limits; absent: none. */
  rateLimits?: import('../../platform/edge-config').RateLimitSettings;
  /** 'process' runs the worker as `worker/main.ts` in a child process, so a test can SIGKILL it. */
  worker?: 'inline' | 'process' | 'none';
  /** Opt-in: the inline worker's boot creates this stack's provider sync schedules (ids suffixed with its task queue). */
  syncSchedules?: { intervalMinutes: number; webhookFailureAlertThreshold?: number };
  /** How long the API waits for a workflow before answering 503 (default: the API's 30 s). */
  responseTimeoutMs?: number;
  /** A mail sink folder whose .eml copies customer erasure deletes (as npm start's sink). */
  mailSinkDir?: string;
  /** Where the API's log lines go (JSON, level info); silent otherwise. */
  apiLog?: DestinationStream;
  /** Delays between attempts to deliver merchant webhooks (default: a few seconds each). */
  webhookRetryDelaysSeconds?: number[];
  /** Where merchant webhooks may go; tests' receivers listen on loopback, so anywhere unless a test says 'public'. */
  webhookTargets?: 'public' | 'any';
  /**
   * 'own': a database of its own (created and migrated on the shared PostgreSQL, dropped on stop), for a test that
   * reaches whatever the API lists, as schemathesis does: earlier files' payments and refunds would be found there,
   * with workflows whose workers have stopped. Default 'shared'.
   */
  database?: 'shared' | 'own';
  /** Risk rules (off unless a test turns them on: test files share customers and amounts) and automatic pause. */
  risk?: Partial<RiskSettings>;
  autoPause?: Partial<AutoPauseSettings>;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A whole Durapay per test file: real API over HTTP, real worker, Stripe sandbox; shared PostgreSQL and Temporal. */
export class TestStack {
  readonly merchantKey = `dp_merchant_${randomBytes(12).toString('hex')}`;
  readonly adminKey = `dp_admin_${randomBytes(12).toString('hex')}`;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  readonly taskQueue = `durapay-test-${randomBytes(4).toString('hex')}`;
  /** Lets a test stop and restart the sandbox without losing its PaymentIntents. */
  private readonly sandboxStateFile = path.join(os.tmpdir(), `durapay-stripe-sandbox-${randomBytes(6).toString('hex')}.json`);
  db!: Database;
  /** This stack's database: the shared one, or its own. */
  private databaseUrl: string;
  private ownDatabase: string | null = null;
  readonly timing: PaymentTiming;
  readonly refunds: RefundSettings;
  readonly adminEmails = ['ops@merchant.test'];
  readonly offline: DurapayConfig['offline'];
  mail!: SmtpCapture;
  private mailer?: ReturnType<typeof createMailer>;
  sandbox!: StripeSandbox;
  paypal!: PayPalSandbox;
  readonly paypalCredentials = { clientId: 'durapay-test-client', clientSecret: 'durapay-test-secret', webhookId: `WH-${randomBytes(6).toString('hex').toUpperCase()}` };
  client!: Client;
  private connection!: Connection;
  private api!: RunningApi;
  private inlineWorker?: { worker: DurapayWorker; connection: NativeConnection; running: Promise<void>; webhooks: WebhookDispatcher };
  private workerProcess?: ChildProcess;
  /** The sync schedules this stack created; deleted on stop. */
  syncScheduleIds: string[] = [];
  private readonly env = testEnv();

  private constructor(private readonly options: StackOptions) {
    this.databaseUrl = this.env.databaseUrl;
    this.timing = { pollInitialSeconds: 30, pollMaxSeconds: 60, authorizationExpirySeconds: 3600, ...options.timing };
    this.offline = { iban: 'BE68539007547034', bic: 'GEBABEBB', beneficiary: 'Durapay Test Merchant', expiryDays: options.offlineExpiryDays ?? 14 };
    this.refunds = {
      windowDays: 30, reviewReminderSeconds: 3600, reviewExpirySeconds: 7200, appealWindowSeconds: 3600, pollInitialSeconds: 2,
      alternativeMethodWaitSeconds: 3600, autoApproveMaxAmount: 0, autoApproveWithinHours: 24, ...options.refunds,
    };
  }

  get riskRules(): RiskSettings {
    return { maxPaymentsPerCustomerPerHour: 0, reviewAmount: 0, reviewExpiryHours: 72, ...this.options.risk };
  }

  get autoPause(): AutoPauseSettings {
    return { rejectedWebhooks: 0, blockedAttempts: 0, windowMinutes: 10, ...this.options.autoPause };
  }

  static async start(options: StackOptions = {}): Promise<TestStack> {
    const stack = new TestStack(options);
    await stack.boot();
    return stack;
  }

  get apiUrl(): string {
    return this.api.url;
  }

  private get stripeSettings() {
    return { secretKey: 'sk_test_durapay_sandbox', webhookSecret: this.webhookSecret, apiBase: this.sandbox.url };
  }

  private get paypalSettings() {
    return { ...this.paypalCredentials, mode: 'sandbox' as const, apiBase: this.paypal.url, certHosts: [] };
  }

  /** Both providers, pointed at this stack's sandboxes. */
  providers() {
    return createProviders({ stripe: this.stripeSettings, paypal: this.paypalSettings });
  }

  private async boot(): Promise<void> {
    if (this.options.database === 'own') await this.createOwnDatabase();
    this.db = connectDatabase(this.databaseUrl, { poolMax: 5 });
    this.mail = await startSmtpCapture();
    this.mailer = createMailer(this.mail.url);
    this.paypal = await startPayPalSandbox({ ...this.paypalCredentials, port: 0, webhookUrl: null, log: () => undefined });
    this.sandbox = await startStripeSandbox({ webhookSecret: this.webhookSecret, webhookUrl: null, port: 0, stateFile: this.sandboxStateFile, sepaDelayMs: 500,
      disputeDelayMs: this.options.stripeDisputes?.delayMs ?? 1000, disputeEvidenceDueSeconds: this.options.stripeDisputes?.evidenceDueSeconds, log: () => undefined });
    ({ client: this.client, connection: this.connection } = await connectTemporal(this.env.temporalAddress, 'default', this.options.temporalSecurity));
    const worker = this.options.worker ?? 'inline';
    if (worker === 'inline') await this.startInlineWorker();
    if (worker === 'process') this.startWorkerProcess();
    const apiPort = await findFreePort();
    this.api = await startApiServer(
      {
        db: this.db, client: this.client, connection: this.connection, log: this.options.apiLog ? createLogger('api', 'info', this.options.apiLog) : createLogger('api', 'silent'),
        providers: this.providers(), taskQueue: this.taskQueue, timing: this.timing,
        returnUrl: 'http://127.0.0.1/return', keys: { adminKey: this.adminKey, merchantKey: this.merchantKey },
        refunds: this.refunds, adminEmails: this.adminEmails, publicUrl: `http://127.0.0.1:${apiPort}`, offline: this.offline,
        disputes: { reminderHoursBeforeDue: 48, pollInitialSeconds: 3600, pollMaxSeconds: 3600, ...this.options.disputes },
        rateLimits: this.options.rateLimits,
        risk: { rules: this.riskRules, autoPause: this.autoPause },
        adminConsole: { temporalUiUrl: 'http://127.0.0.1:8233' },
        payloadCodec: dataConverterFor(this.options.temporalSecurity)?.payloadCodecs?.[0],
        responseTimeoutMs: this.options.responseTimeoutMs,
      },
      { host: '127.0.0.1', port: apiPort, relayIntervalMs: 500 },
    );
    this.sandbox.setWebhookUrl(`${this.api.url}/webhooks/stripe`);
    this.paypal.setWebhookUrl(`${this.api.url}/webhooks/paypal`);
  }

  private async startInlineWorker(): Promise<void> {
    const { worker, connection } = await createDurapayWorker({
      temporalAddress: this.env.temporalAddress, namespace: 'default', taskQueue: this.taskQueue, db: this.db, security: this.options.temporalSecurity,
      providers: this.providers(), workflowBundle: { codePath: this.env.workflowBundle },
      mailer: this.mailer!, mailFrom: 'Durapay Test <payments@durapay.test>', adminEmails: this.adminEmails, autoPause: this.autoPause,
      mailSinkDir: this.options.mailSinkDir, webhookTargets: this.options.webhookTargets ?? 'any',
    });
    const webhooks = await startWebhookDispatcher({
      databaseUrl: this.databaseUrl, db: this.db, client: this.client, taskQueue: this.taskQueue,
      retryDelaysSeconds: this.options.webhookRetryDelaysSeconds ?? [2, 2, 2], sweepIntervalMs: 1000,
    });
    this.inlineWorker = { worker, connection, running: worker.run(), webhooks };
    const { syncSchedules } = this.options;
    if (syncSchedules) {
      this.syncScheduleIds = await ensureSyncSchedules(this.client, {
        providers: ['stripe', 'paypal'], intervalMinutes: syncSchedules.intervalMinutes, taskQueue: this.taskQueue,
        webhookFailureAlertThreshold: syncSchedules.webhookFailureAlertThreshold ?? 10, idSuffix: this.taskQueue,
      });
    }
  }

  /** Starts `worker/main.ts` as its own process, exactly as `npm run worker` does. */
  /** `onLine` gets each line the worker writes to stdout (its JSON log lines); otherwise they are dropped. */
  startWorkerProcess(extraEnv: Record<string, string> = {}, onLine?: (line: string) => void): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'worker', 'main.ts')], {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: this.databaseUrl, TEMPORAL_ADDRESS: this.env.temporalAddress, TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: this.taskQueue, TEMPORAL_WORKFLOW_BUNDLE: this.env.workflowBundle,
        STRIPE_SECRET_KEY: this.stripeSettings.secretKey, STRIPE_WEBHOOK_SECRET: this.webhookSecret,
        STRIPE_API_BASE: this.sandbox.url, LOG_LEVEL: 'warn', SMTP_URL: this.mail.url,
        PAYPAL_CLIENT_ID: this.paypalCredentials.clientId, PAYPAL_CLIENT_SECRET: this.paypalCredentials.clientSecret,
        PAYPAL_WEBHOOK_ID: this.paypalCredentials.webhookId, PAYPAL_API_BASE: this.paypal.url,
        // Sync schedules are opt-in for tests: no 15-minute runs on a shared Temporal.
        SYNC_INTERVAL_MINUTES: '0', ADMIN_EMAILS: this.adminEmails.join(','),
        // A free port for its /metrics: a fixed one collides with any other worker on the machine.
        WORKER_METRICS_PORT: '0',
        WEBHOOK_RETRY_SCHEDULE: (this.options.webhookRetryDelaysSeconds ?? [2, 2, 2]).map((s) => `${s}s`).join(','),
        MERCHANT_WEBHOOK_TARGETS: this.options.webhookTargets ?? 'any',
        ...extraEnv,
      },
      stdio: ['ignore', onLine ? 'pipe' : 'ignore', 'inherit'],
    });
    if (onLine && child.stdout) readline.createInterface({ input: child.stdout }).on('line', onLine);
    this.workerProcess = child;
    return child;
  }

  /** Brings the Stripe sandbox back on the same port with the same state, after a test stopped it. */
  async restartSandbox(port: number): Promise<void> {
    this.sandbox = await startStripeSandbox({
      webhookSecret: this.webhookSecret, webhookUrl: `${this.api.url}/webhooks/stripe`, port, stateFile: this.sandboxStateFile, log: () => undefined,
    });
  }

  async killWorkerProcess(): Promise<void> {
    const child = this.workerProcess;
    // A process killed by a signal keeps exitCode null: its signalCode says it is gone.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async request<T = any>(method: string, urlPath: string, options: { body?: unknown; key?: string | null; idempotencyKey?: string | null; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.merchantKey : options.key;
    if (key) headers.authorization = `Bearer ${key}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const idempotencyKey = options.idempotencyKey === undefined ? (method === 'GET' ? null : `test-${randomBytes(12).toString('hex')}`) : options.idempotencyKey;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const response = await fetch(`${this.api.url}${urlPath}`, {
      method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
  }

  async createPayment(body: Record<string, unknown>, options: { idempotencyKey?: string } = {}): Promise<HttpResult<Payment>> {
    return this.request<Payment>('POST', '/v1/payments', { body: { amount: 2500, currency: 'eur', ...body }, idempotencyKey: options.idempotencyKey });
  }

  async getPayment(id: string): Promise<Payment> {
    const result = await this.request<Payment>('GET', `/v1/payments/${id}`);
    if (result.status !== 200) throw new Error(`GET payment ${id}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  async events(id: string): Promise<Array<Record<string, any>>> {
    return (await this.request('GET', `/v1/payments/${id}/events`)).body.data;
  }

  /**
   * Waits until the stored payment satisfies the predicate (the API reads the database) and its bookkeeping is done:
   * the ledger entry, merchant events and invoice that follow an answered save (bookPayment).
   */
  async waitForPayment(id: string, predicate: (payment: Payment) => boolean, timeoutMs = 30_000): Promise<Payment> {
    return waitFor(async () => {
      const payment = await this.getPayment(id);
      if (!predicate(payment)) return undefined;
      const row = await this.db('payments').where({ id }).first('bookkeeping_due');
      return row?.bookkeeping_due ? undefined : payment;
    }, { timeoutMs, what: `payment ${id}` });
  }

  async waitForWorkflowClosed(id: string, timeoutMs = 30_000): Promise<void> {
    await waitFor(async () => ((await this.client.workflow.getHandle(id).describe()).status.name !== 'RUNNING' ? true : undefined), { timeoutMs, what: `workflow ${id} to close` });
  }

  async stop(): Promise<void> {
    for (const id of this.syncScheduleIds) await this.client.schedule.getHandle(id).delete().catch(() => undefined);
    await this.api?.close();
    if (this.inlineWorker) {
      await this.inlineWorker.webhooks.stop();
      this.inlineWorker.worker.shutdown();
      await this.inlineWorker.running.catch(() => undefined);
      await this.inlineWorker.connection.close();
    }
    await this.killWorkerProcess();
    await this.sandbox?.close();
    await this.paypal?.close();
    this.mailer?.close();
    await this.mail?.close();
    await this.connection?.close();
    await this.db?.destroy();
    if (this.ownDatabase) await withSharedDatabase((admin) => admin.raw(`drop database if exists ${this.ownDatabase} with (force)`));
  }

  private async createOwnDatabase(): Promise<void> {
    const name = `durapay_own_${randomBytes(6).toString('hex')}`;
    await withSharedDatabase((admin) => admin.raw(`create database ${name}`));
    this.ownDatabase = name;
    const url = new URL(this.env.databaseUrl);
    url.pathname = `/${name}`;
    this.databaseUrl = url.toString();
    await migrateToLatest(this.databaseUrl);
  }
}

async function withSharedDatabase<T>(work: (admin: Database) => Promise<T>): Promise<T> {
  const admin = connectDatabase(testEnv().databaseUrl, { poolMax: 1 });
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}
