import type { WebhookTargets } from '../activities/webhook-delivery-activities';
import { connectionSecurity, dataConverterFor, type TemporalSecurity } from '../platform/temporal-security';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createWebhookDeliveryActivities } from '../activities/webhook-delivery-activities';
import { webhookAttemptsQueue } from '../workflows/activity-options';
import type { Mailer } from '../activities/email-activities';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import { activityMetrics } from './activity-metrics';
import type { Context as ActivityContext } from '@temporalio/activity';
import { makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import { tracingStarted } from '../platform/tracing';
import { requestIdActivityInterceptor } from './request-id-interceptor';
import { workflowInterceptorModules } from './workflow-interceptor-modules';
import type { AutoPauseSettings } from '../domain/risk';
import type { ProviderRegistry } from '../providers/registry';

export interface DurapayWorkerOptions {
  /** TLS, API key and payload encryption (platform/temporal-security.ts). */
  security?: TemporalSecurity;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  db: Database;
  providers: ProviderRegistry;
  mailer: Mailer;
  mailFrom: string;
  /** Who gets operator alerts (ADMIN_EMAILS). */
  adminEmails?: string[];
  /** Automatic pause thresholds (RISK_AUTO_PAUSE_*). */
  autoPause?: AutoPauseSettings;
  /** A prebuilt bundle (tests build one per run); otherwise the workflows are bundled at startup. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory (WORKER_MAX_CACHED_WORKFLOWS); the SDK's default otherwise. */
  maxCachedWorkflows?: number;
  /** The local mail sink's folder, whose .eml copies customer erasure deletes (MAIL_SINK_DIR). */
  mailSinkDir?: string;
  /** Where merchant webhooks may be delivered (MERCHANT_WEBHOOK_TARGETS): public addresses only unless 'any'. */
  webhookTargets?: WebhookTargets;
  log?: Logger;
}

/** The engine's workers, run and shut down as one: payments and everything else, and merchant webhook attempts. */
export interface DurapayWorker {
  run(): Promise<void>;
  shutdown(): void;
}

export async function createDurapayWorker(options: DurapayWorkerOptions): Promise<{ worker: DurapayWorker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress, ...connectionSecurity(options.security) });
  const dataConverter = dataConverterFor(options.security);
  const tracing = tracingStarted();
  const activityInterceptors = [
    requestIdActivityInterceptor, activityMetrics(options.db, options.log),
    ...(tracing ? [(ctx: ActivityContext) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })] : []),
  ];
  const shared = { connection, namespace: options.namespace, ...(dataConverter ? { dataConverter } : {}) };
  const main = await Worker.create({
    ...shared,
    taskQueue: options.taskQueue,
    interceptors: {
      activity: activityInterceptors,
      // Used when the worker bundles from workflowsPath; a prebuilt bundle carries its own (worker/bundle-workflows.ts).
      workflowModules: workflowInterceptorModules(Boolean(tracing)),
    },
    // Workflow spans leave the sandbox through this sink.
    ...(tracing ? { sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    activities: createActivities({ db: options.db, providers: options.providers, mailer: options.mailer, mailFrom: options.mailFrom, adminEmails: options.adminEmails, autoPause: options.autoPause, mailSinkDir: options.mailSinkDir, webhookTargets: options.webhookTargets }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
  // Activities only (workflows/deliver-webhook.ts sends its attempts here): a slow endpoint holds one of these slots.
  const webhookAttempts = await Worker.create({
    ...shared,
    taskQueue: webhookAttemptsQueue(options.taskQueue),
    interceptors: { activity: activityInterceptors },
    activities: createWebhookDeliveryActivities({ db: options.db, targets: options.webhookTargets }),
  });
  return { worker: runTogether([main, webhookAttempts]), connection };
}

/** run() lasts while every worker runs; one stopping (shutdown or failure) stops the others. */
function runTogether(workers: Worker[]): DurapayWorker {
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      const runs = await Promise.allSettled(workers.map((worker) => worker.run().finally(shutdown)));
      const failed = runs.find((run): run is PromiseRejectedResult => run.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
  };
}
