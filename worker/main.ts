import { ConfigError, loadConfig } from '../platform/config';
import { connectDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';
import { connectTemporal, ensureSearchAttributes } from '../platform/temporal';
import { createProviders } from '../providers/registry';
import { createDurapayWorker } from './create-worker';
import { createMailer } from '../platform/mailer';
import { ensureReconcileSchedule, ensureSyncSchedules } from './sync-schedules';
import { ensureRetentionSchedule } from './retention-schedule';
import { findFreePort } from '../platform/child-process';
import { collectProcessMetrics } from '../platform/metrics';
import { startTracing } from '../platform/tracing';
import { bundleWorkflowsInChild } from './bundle-workflows';
import { installWorkerRuntime, startWorkerMetricsServer } from './telemetry';
import { startWebhookDispatcher } from './webhook-dispatcher';

/** `npm run worker`: one worker process; run as many as you like on the same task queue. */
async function main(): Promise<void> {
  const log = createLogger('worker');
  const config = loadConfig();
  const problems = [
    !config.database.url && 'DATABASE_URL: required (npm start provides an embedded one)',
    !config.temporal.address && 'TEMPORAL_ADDRESS: required (npm start provides an embedded one)',
    !config.mail.smtpUrl && 'SMTP_URL: required to send receipts and refund emails (npm start provides a local mail sink)',
  ].filter(Boolean) as string[];
  if (problems.length) throw new ConfigError(problems);

  const temporalMetricsUrl = installWorkerRuntime({ logLevel: config.logLevel, temporalMetricsPort: await findFreePort(), log });
  collectProcessMetrics('durapay_worker_');
  // Before the worker and its clients: their interceptors export spans when tracing is on.
  const tracing = startTracing('durapay-worker');
  const metrics = await startWorkerMetricsServer({ host: config.host, port: config.observability.workerMetricsPort, temporalMetricsUrl });
  const db = connectDatabase(config.database.url!);
  const temporal = await connectTemporal(config.temporal.address!, config.temporal.namespace, config.temporalSecurity);
  await ensureSearchAttributes(temporal.connection, config.temporal.namespace);
  const providers = createProviders(config);
  const { worker, connection } = await createDurapayWorker({
    temporalAddress: config.temporal.address!,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    security: config.temporalSecurity,
    db,
    providers,
    mailer: createMailer(config.mail.smtpUrl!),
    mailFrom: config.mail.from,
    adminEmails: config.mail.adminEmails,
    maxCachedWorkflows: config.observability.maxCachedWorkflows,
    mailSinkDir: config.mail.sinkDir,
    webhookTargets: config.merchantWebhookTargets,
    log,
    autoPause: config.risk.autoPause,
    workflowBundle: config.temporal.workflowBundlePath ? { codePath: config.temporal.workflowBundlePath } : bundleWorkflowsInChild(),
  });
  if (config.sync.intervalMinutes > 0) {
    const configured = Object.values(providers).filter((provider) => provider.isConfigured()).map((provider) => provider.name);
    const schedules = await ensureSyncSchedules(temporal.client, {
      providers: configured,
      intervalMinutes: config.sync.intervalMinutes,
      taskQueue: config.temporal.taskQueue,
      webhookFailureAlertThreshold: config.sync.webhookFailureAlertThreshold,
    });
    schedules.push(await ensureReconcileSchedule(temporal.client, {
      providers: configured, intervalMinutes: config.sync.intervalMinutes, taskQueue: config.temporal.taskQueue, failureRateAlert: config.failureRateAlert,
    }));
    log.info({ schedules, intervalMinutes: config.sync.intervalMinutes }, 'provider sync and ledger reconciliation schedules ready');
  }
  if (config.retention.intervalMinutes > 0) {
    const schedule = await ensureRetentionSchedule(temporal.client, { ...config.retention, taskQueue: config.temporal.taskQueue });
    log.info({ schedule, intervalMinutes: config.retention.intervalMinutes }, 'data retention schedule ready');
  }
  const webhooks = await startWebhookDispatcher({
    databaseUrl: config.database.url!, db, client: temporal.client, taskQueue: config.temporal.taskQueue,
    retryDelaysSeconds: config.webhookRetryDelaysSeconds, onError: (err) => log.warn({ err }, 'webhook dispatcher'),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace, metrics: metrics.url }, 'worker running');
  try {
    await worker.run();
  } finally {
    await webhooks.stop();
    await Promise.allSettled([metrics.close(), connection.close(), temporal.connection.close(), db.destroy()]);
    await tracing?.shutdown();
    log.info('worker stopped');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
