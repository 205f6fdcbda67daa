import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_WEBHOOK_RETRY_SCHEDULE } from '../domain/merchant-event';
import { type AutomaticRetryPolicy, parseRetrySchedule } from '../domain/payment-retry';
import type { FailureRateSettings } from '../domain/reconciliation';
import { edgeEnvironment, edgeSettings, type EdgeSettings, sharedKeyProblem } from './edge-config';
import { retentionEnvironment, retentionSettings } from './retention-config';
import type { RetentionSettings } from '../domain/retention';
import { type TemporalSecurity, temporalSecurityEnvironment, temporalSecuritySettings } from './temporal-security';
import { invoiceSettingsProblems } from './invoice-settings';
import type { AutoPauseSettings, RiskSettings } from '../domain/risk';

/** Every setting Durapay reads from the environment, validated once at startup. */
const durationSeconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

const environmentSchema = z.object({
  DATA_DIR: z.string().default('.data'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(3000),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATABASE_URL: optionalString.pipe(z.url().optional()),
  EMBEDDED_POSTGRES_PORT: port(5433),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('durapay-payments'),
  TEMPORAL_CLI_PATH: optionalString,
  /** A workflow bundle prebuilt with bundleWorkflowCode; otherwise workers bundle at startup. */
  TEMPORAL_WORKFLOW_BUNDLE: optionalString,
  EMBEDDED_TEMPORAL_PORT: port(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port(8233),
  /** The dev server's SQLite pragmas, comma-separated; empty: SQLite's defaults (see docs/performance.md). */
  EMBEDDED_TEMPORAL_SQLITE_PRAGMAS: z.string().default('journal_mode=WAL,synchronous=NORMAL')
    .transform((value) => value.split(',').map((pragma) => pragma.trim()).filter(Boolean)),

  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Points the Stripe SDK at another host, e.g. the local sandbox or stripe-mock. */
  STRIPE_API_BASE: optionalString.pipe(z.url().optional()),
  STRIPE_SANDBOX_PORT: port(12112),

  PAYPAL_CLIENT_ID: optionalString,
  PAYPAL_CLIENT_SECRET: optionalString,
  PAYPAL_WEBHOOK_ID: optionalString,
  PAYPAL_MODE: z.enum(['sandbox', 'live']).default('sandbox'),
  /** Points the PayPal client at another host: the local PayPal sandbox. */
  PAYPAL_API_BASE: optionalString.pipe(z.url().optional()),
  PAYPAL_SANDBOX_PORT: port(12113),
  /** Extra hosts allowed to serve webhook signing certificates (the local sandbox adds its own). */
  PAYPAL_CERT_HOSTS: z.string().default('').transform((value) => value.split(',').map((host) => host.trim()).filter(Boolean)),
  STRIPE_SANDBOX_SEPA_DELAY_SECONDS: z.coerce.number().min(0).default(3),

  BANK_TRANSFER_IBAN: optionalString,
  BANK_TRANSFER_BENEFICIARY: z.string().default('Durapay Merchant'),
  BANK_TRANSFER_BIC: optionalString,
  /** Fractions allowed, so a demo or a test can let a payment lapse in seconds. */
  OFFLINE_PAYMENT_EXPIRY_DAYS: z.coerce.number().positive().default(14),

  ADMIN_API_KEY: optionalString.pipe(z.string().min(16).optional()),
  MERCHANT_API_KEY: optionalString.pipe(z.string().min(16).optional()),

  PAYMENT_RETURN_URL: optionalString.pipe(z.url().optional()),
  PAYMENT_POLL_INITIAL_SECONDS: durationSeconds(60),
  PAYMENT_POLL_MAX_SECONDS: durationSeconds(3600),
  PAYMENT_PAYER_WAIT_POLL_SECONDS: durationSeconds(900),
  AUTHORIZATION_EXPIRY_SECONDS: durationSeconds(7 * 24 * 3600),
  WEBHOOK_RELAY_INTERVAL_SECONDS: durationSeconds(5),
  /** Soft declines (processing_error, try_again_later, insufficient_funds) are retried on their own only when true. */
  AUTO_RETRY_ENABLED: z.enum(['true', 'false', '1', '0']).default('false').transform((value) => value === 'true' || value === '1'),
  /** Delays before each automatic retry of processing_error and try_again_later: s, m, h or d, comma-separated. */
  AUTO_RETRY_SCHEDULE: z.string().default('1h,6h,24h'),
  WEBHOOK_RETRY_SCHEDULE: z.string().default(DEFAULT_WEBHOOK_RETRY_SCHEDULE),
  MERCHANT_WEBHOOK_TARGETS: z.enum(['public', 'any']).default('public'),
  /** The same for insufficient_funds: days, when money may have come in. */
  AUTO_RETRY_INSUFFICIENT_FUNDS_SCHEDULE: z.string().default('3d,7d'),

  SMTP_URL: optionalString.pipe(z.url().optional()),
  SMTP_SINK_PORT: port(2525),
  /** Where the local mail sink keeps its .eml files (npm start sets it), so customer erasure can delete them. */
  MAIL_SINK_DIR: optionalString,
  MAIL_FROM: z.string().default('Durapay <payments@durapay.local>'),
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((email) => email.trim()).filter(Boolean))
    .pipe(z.array(z.email())),

  REFUND_WINDOW_DAYS: durationSeconds(30),
  REFUND_REVIEW_REMINDER_SECONDS: durationSeconds(24 * 3600),
  REFUND_REVIEW_EXPIRY_SECONDS: durationSeconds(7 * 24 * 3600),
  REFUND_APPEAL_WINDOW_SECONDS: durationSeconds(14 * 24 * 3600),
  REFUND_POLL_INITIAL_SECONDS: durationSeconds(60),
  REFUND_ALTERNATIVE_METHOD_WAIT_SECONDS: durationSeconds(30 * 24 * 3600),
  /** Auto-approval is off unless a threshold is set: refunds up to this amount, within the hours below, approve themselves. */
  REFUND_AUTO_APPROVE_MAX_AMOUNT: z.coerce.number().int().min(0).default(0),
  REFUND_AUTO_APPROVE_WITHIN_HOURS: durationSeconds(24),

  /** How often each configured provider is reconciled by the Temporal Schedule the worker creates; 0: workers leave schedules alone. */
  SYNC_INTERVAL_MINUTES: z.coerce.number().min(0).default(15),
  /** Rejected plus unprocessable webhooks per sync interval above this raise an alert; 0 turns the alert off. */
  WEBHOOK_FAILURE_ALERT_THRESHOLD: z.coerce.number().int().min(0).default(10),
  /** More than this percentage of payment attempts failing over the window raises an alert (checked on the sync interval); 0 turns it off. */
  FAILURE_RATE_ALERT_PERCENT: z.coerce.number().min(0).max(100).default(10),
  FAILURE_RATE_ALERT_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  /** Fewer attempts than this in the window raise nothing. */
  FAILURE_RATE_ALERT_MIN_ATTEMPTS: z.coerce.number().int().min(1).default(20),

  /** Admins are reminded this many hours before a dispute's evidence is due (fractions allowed). */
  DISPUTE_REMINDER_HOURS_BEFORE_DUE: z.coerce.number().positive().default(48),
  /** An open dispute asks its provider after this long without news, doubling up to DISPUTE_POLL_MAX_SECONDS. */
  DISPUTE_POLL_INITIAL_SECONDS: durationSeconds(3600),
  DISPUTE_POLL_MAX_SECONDS: durationSeconds(24 * 3600),
  /** How long after a pm_card_createDispute payment the local Stripe sandbox opens its dispute. */
  STRIPE_SANDBOX_DISPUTE_DELAY_SECONDS: z.coerce.number().min(0).default(3),

  /** Where a worker serves /metrics (its own and the Temporal SDK's); 0 picks a free port (two workers on one host). */
  WORKER_METRICS_PORT: port(9464),
  /** Workflows a worker keeps in memory; parked payments beyond it are evicted and replayed when news arrives. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  ...edgeEnvironment,
  ...retentionEnvironment,
  ...temporalSecurityEnvironment,
  /** More payment attempts than this by one customer in an hour go to review; 0 turns the rule off. */
  RISK_MAX_PAYMENTS_PER_CUSTOMER_PER_HOUR: z.coerce.number().int().min(0).default(10),
  /** Payments at or above this amount (minor units) go to review; 0 turns the rule off. */
  RISK_REVIEW_AMOUNT: z.coerce.number().int().min(0).default(100_000),
  /** A held payment nobody decides on is canceled after this long (fractions allowed). */
  RISK_REVIEW_EXPIRY_HOURS: z.coerce.number().positive().default(72),
  /** Automatic pause: more rejected webhook signatures, or more blocked attempts, than these within the window; 0: off. */
  RISK_AUTO_PAUSE_REJECTED_WEBHOOKS: z.coerce.number().int().min(0).default(0),
  RISK_AUTO_PAUSE_BLOCKED_ATTEMPTS: z.coerce.number().int().min(0).default(0),
  RISK_AUTO_PAUSE_WINDOW_MINUTES: z.coerce.number().positive().default(10),
  /** The Temporal Web UI the admin console links to; npm start sets its embedded one. */
  TEMPORAL_UI_URL: optionalString.pipe(z.url().optional()),
  /** How long an admin console sign-in lasts. */
  ADMIN_SESSION_HOURS: z.coerce.number().positive().max(24 * 30).default(8),
});

export type Environment = z.infer<typeof environmentSchema>;

export interface DurapayConfig {
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
  logLevel: Environment['LOG_LEVEL'];
  observability: { workerMetricsPort: number; maxCachedWorkflows: number };
  database: { url?: string; embeddedPort: number };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    cliPath?: string;
    workflowBundlePath?: string;
    embeddedPort: number;
    embeddedUiPort: number;
    sqlitePragmas: string[];
  };
  stripe: {
    secretKey?: string;
    webhookSecret?: string;
    apiBase?: string;
    sandboxPort: number;
  };
  auth: { adminKey?: string; merchantKey?: string };
  adminConsole: { temporalUiUrl?: string; sessionHours: number };
  paypal: {
    clientId?: string;
    clientSecret?: string;
    webhookId?: string;
    mode: 'sandbox' | 'live';
    apiBase?: string;
    sandboxPort: number;
    certHosts: string[];
  };
  sepaSandboxDelaySeconds: number;
  offline: { iban?: string; beneficiary: string; bic?: string; expiryDays: number };
  payments: {
    returnUrl: string;
    pollInitialSeconds: number;
    pollMaxSeconds: number;
    payerWaitPollSeconds: number;
    authorizationExpirySeconds: number;
    /** Null unless AUTO_RETRY_ENABLED. */
    automaticRetries: AutomaticRetryPolicy | null;
  };
  webhookRelayIntervalSeconds: number;
  /** Delays between attempts to deliver an event to a merchant's webhook endpoint. */
  webhookRetryDelaysSeconds: number[];
  /** Where merchant webhooks may be delivered: public addresses only, or anywhere (local development). */
  merchantWebhookTargets: 'public' | 'any';
  mail: { smtpUrl?: string; sinkPort: number; sinkDir?: string; from: string; adminEmails: string[] };
  refunds: RefundSettings;
  sync: SyncSettings;
  failureRateAlert: FailureRateSettings;
  disputes: DisputeSettings;
  risk: RiskConfig;
  /** How long after a pm_card_createDispute payment the local Stripe sandbox opens its dispute. */
  stripeSandboxDisputeDelaySeconds: number;
  /** HTTP timeouts, rate limits, drain. */
  edge: EdgeSettings;
  /** How long operational data is kept, and how often the retention Schedule runs. */
  retention: { intervalMinutes: number; settings: RetentionSettings };
  /** TLS, API key, payload encryption keys for Temporal. */
  temporalSecurity: TemporalSecurity;
}

export interface RiskConfig {
  rules: RiskSettings;
  autoPause: AutoPauseSettings;
}

export interface DisputeSettings {
  reminderHoursBeforeDue: number;
  pollInitialSeconds: number;
  pollMaxSeconds: number;
}

export interface SyncSettings {
  intervalMinutes: number;
  webhookFailureAlertThreshold: number;
}

export interface RefundSettings {
  windowDays: number;
  reviewReminderSeconds: number;
  reviewExpirySeconds: number;
  appealWindowSeconds: number;
  pollInitialSeconds: number;
  alternativeMethodWaitSeconds: number;
  autoApproveMaxAmount: number;
  autoApproveWithinHours: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError with one line per bad or missing value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DurapayConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message} (got ${JSON.stringify(env[String(issue.path[0])])})`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) {
    problems.push('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set, to verify Stripe webhooks');
  }
  if (e.STRIPE_SECRET_KEY && !/^(sk|rk)_(test|live)_/.test(e.STRIPE_SECRET_KEY)) {
    problems.push('STRIPE_SECRET_KEY: must start with sk_test_, sk_live_, rk_test_ or rk_live_');
  }
  if (e.STRIPE_WEBHOOK_SECRET && !e.STRIPE_WEBHOOK_SECRET.startsWith('whsec_')) {
    problems.push('STRIPE_WEBHOOK_SECRET: must start with whsec_');
  }
  if (e.DISPUTE_POLL_MAX_SECONDS < e.DISPUTE_POLL_INITIAL_SECONDS) {
    problems.push('DISPUTE_POLL_MAX_SECONDS: must be at least DISPUTE_POLL_INITIAL_SECONDS');
  }
  if (e.PAYMENT_POLL_MAX_SECONDS < e.PAYMENT_POLL_INITIAL_SECONDS) {
    problems.push('PAYMENT_POLL_MAX_SECONDS: must be at least PAYMENT_POLL_INITIAL_SECONDS');
  }
  const soonSchedule = parseRetrySchedule(e.AUTO_RETRY_SCHEDULE);
  if (!soonSchedule.ok) problems.push(`AUTO_RETRY_SCHEDULE: "${soonSchedule.bad}" is not a delay such as 30m, 6h or 2d`);
  const afterDaysSchedule = parseRetrySchedule(e.AUTO_RETRY_INSUFFICIENT_FUNDS_SCHEDULE);
  if (!afterDaysSchedule.ok) problems.push(`AUTO_RETRY_INSUFFICIENT_FUNDS_SCHEDULE: "${afterDaysSchedule.bad}" is not a delay such as 3d`);
  problems.push(...invoiceSettingsProblems(env)); // read where documents are issued: platform/invoice-settings.ts
  const webhookSchedule = parseRetrySchedule(e.WEBHOOK_RETRY_SCHEDULE);
  if (!webhookSchedule.ok) problems.push(`WEBHOOK_RETRY_SCHEDULE: "${webhookSchedule.bad}" is not a delay such as 5m, 2h or 1d`);
  const sharedKey = sharedKeyProblem([e.ADMIN_API_KEY, ...e.ADMIN_API_KEYS], [e.MERCHANT_API_KEY, ...e.MERCHANT_API_KEYS]);
  if (sharedKey) problems.push(sharedKey);
  const temporalSecurity = temporalSecuritySettings(e);
  problems.push(...temporalSecurity.problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`;
  return {
    dataDir: path.resolve(e.DATA_DIR),
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    logLevel: e.LOG_LEVEL,
    observability: { workerMetricsPort: e.WORKER_METRICS_PORT, maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS },
    database: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_POSTGRES_PORT },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      cliPath: e.TEMPORAL_CLI_PATH,
      workflowBundlePath: e.TEMPORAL_WORKFLOW_BUNDLE,
      embeddedPort: e.EMBEDDED_TEMPORAL_PORT,
      embeddedUiPort: e.EMBEDDED_TEMPORAL_UI_PORT,
      sqlitePragmas: e.EMBEDDED_TEMPORAL_SQLITE_PRAGMAS,
    },
    stripe: {
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      apiBase: e.STRIPE_API_BASE,
      sandboxPort: e.STRIPE_SANDBOX_PORT,
    },
    auth: { adminKey: e.ADMIN_API_KEY, merchantKey: e.MERCHANT_API_KEY },
    adminConsole: { temporalUiUrl: e.TEMPORAL_UI_URL, sessionHours: e.ADMIN_SESSION_HOURS },
    paypal: {
      clientId: e.PAYPAL_CLIENT_ID,
      clientSecret: e.PAYPAL_CLIENT_SECRET,
      webhookId: e.PAYPAL_WEBHOOK_ID,
      mode: e.PAYPAL_MODE,
      apiBase: e.PAYPAL_API_BASE,
      sandboxPort: e.PAYPAL_SANDBOX_PORT,
      certHosts: e.PAYPAL_CERT_HOSTS,
    },
    sepaSandboxDelaySeconds: e.STRIPE_SANDBOX_SEPA_DELAY_SECONDS,
    offline: { iban: e.BANK_TRANSFER_IBAN, beneficiary: e.BANK_TRANSFER_BENEFICIARY, bic: e.BANK_TRANSFER_BIC, expiryDays: e.OFFLINE_PAYMENT_EXPIRY_DAYS },
    payments: {
      returnUrl: e.PAYMENT_RETURN_URL ?? `${publicUrl}/return`,
      pollInitialSeconds: e.PAYMENT_POLL_INITIAL_SECONDS,
      pollMaxSeconds: e.PAYMENT_POLL_MAX_SECONDS,
      payerWaitPollSeconds: e.PAYMENT_PAYER_WAIT_POLL_SECONDS,
      authorizationExpirySeconds: e.AUTHORIZATION_EXPIRY_SECONDS,
      automaticRetries: e.AUTO_RETRY_ENABLED && soonSchedule.ok && afterDaysSchedule.ok
        ? { soonDelaysSeconds: soonSchedule.delaysSeconds, afterDaysDelaysSeconds: afterDaysSchedule.delaysSeconds }
        : null,
    },
    webhookRelayIntervalSeconds: e.WEBHOOK_RELAY_INTERVAL_SECONDS,
    webhookRetryDelaysSeconds: webhookSchedule.ok ? webhookSchedule.delaysSeconds : [],
    merchantWebhookTargets: e.MERCHANT_WEBHOOK_TARGETS,
    mail: { smtpUrl: e.SMTP_URL, sinkPort: e.SMTP_SINK_PORT, sinkDir: e.MAIL_SINK_DIR, from: e.MAIL_FROM, adminEmails: e.ADMIN_EMAILS },
    refunds: {
      windowDays: e.REFUND_WINDOW_DAYS,
      reviewReminderSeconds: e.REFUND_REVIEW_REMINDER_SECONDS,
      reviewExpirySeconds: e.REFUND_REVIEW_EXPIRY_SECONDS,
      appealWindowSeconds: e.REFUND_APPEAL_WINDOW_SECONDS,
      pollInitialSeconds: e.REFUND_POLL_INITIAL_SECONDS,
      alternativeMethodWaitSeconds: e.REFUND_ALTERNATIVE_METHOD_WAIT_SECONDS,
      autoApproveMaxAmount: e.REFUND_AUTO_APPROVE_MAX_AMOUNT,
      autoApproveWithinHours: e.REFUND_AUTO_APPROVE_WITHIN_HOURS,
    },
    sync: { intervalMinutes: e.SYNC_INTERVAL_MINUTES, webhookFailureAlertThreshold: e.WEBHOOK_FAILURE_ALERT_THRESHOLD },
    failureRateAlert: { percent: e.FAILURE_RATE_ALERT_PERCENT, windowMinutes: e.FAILURE_RATE_ALERT_WINDOW_MINUTES, minAttempts: e.FAILURE_RATE_ALERT_MIN_ATTEMPTS },
    disputes: {
      reminderHoursBeforeDue: e.DISPUTE_REMINDER_HOURS_BEFORE_DUE,
      pollInitialSeconds: e.DISPUTE_POLL_INITIAL_SECONDS,
      pollMaxSeconds: e.DISPUTE_POLL_MAX_SECONDS,
    },
    stripeSandboxDisputeDelaySeconds: e.STRIPE_SANDBOX_DISPUTE_DELAY_SECONDS,
    edge: edgeSettings(e),
    retention: retentionSettings(e),
    temporalSecurity: temporalSecurity.settings,
    risk: {
      rules: {
        maxPaymentsPerCustomerPerHour: e.RISK_MAX_PAYMENTS_PER_CUSTOMER_PER_HOUR,
        reviewAmount: e.RISK_REVIEW_AMOUNT,
        reviewExpiryHours: e.RISK_REVIEW_EXPIRY_HOURS,
      },
      autoPause: {
        rejectedWebhooks: e.RISK_AUTO_PAUSE_REJECTED_WEBHOOKS,
        blockedAttempts: e.RISK_AUTO_PAUSE_BLOCKED_ATTEMPTS,
        windowMinutes: e.RISK_AUTO_PAUSE_WINDOW_MINUTES,
      },
    },
  };
}
