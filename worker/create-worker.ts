import type { WebhookTargets } from '../activities/webhook-delivery-activities';
import { connectionSecurity, dataConverterFor, type TemporalSecurity } from '../platform/temporal-security';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
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

export async function createDurapayWorker(options: DurapayWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress, ...connectionSecurity(options.security) });
  const dataConverter = dataConverterFor(options.security);
  const tracing = tracingStarted();
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(dataConverter ? { dataConverter } : {}),
    interceptors: {
      activity: [
        requestIdActivityInterceptor, activityMetrics(options.db, options.log),
        ...(tracing ? [(ctx: ActivityContext) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })] : []),
      ],
      // Used when the worker bundles from workflowsPath; a prebuilt bundle carries its own (worker/bundle-workflows.ts).
      workflowModules: workflowInterceptorModules(Boolean(tracing)),
    },
    // Workflow spans leave the sandbox through this sink.
    ...(tracing ? { sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    activities: createActivities({ db: options.db, providers: options.providers, mailer: options.mailer, mailFrom: options.mailFrom, adminEmails: options.adminEmails, autoPause: options.autoPause, mailSinkDir: options.mailSinkDir, webhookTargets: options.webhookTargets }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
  });
  return { worker, connection };
}
