import { ConfigError, type DurapayConfig, loadConfig } from '../platform/config';
import { connectDatabase } from '../platform/database';
import { createLogger } from '../platform/logger';
import { collectProcessMetrics } from '../platform/metrics';
import { startTracing } from '../platform/tracing';
import { connectTemporal } from '../platform/temporal';
import { dataConverterFor } from '../platform/temporal-security';
import { createProviders } from '../providers/registry';
import { startApiServer } from './server';

function requireProductionSettings(config: DurapayConfig): void {
  const problems = [
    !config.database.url && 'DATABASE_URL: required (npm start provides an embedded one)',
    !config.temporal.address && 'TEMPORAL_ADDRESS: required (npm start provides an embedded one)',
    !config.auth.adminKey && !config.auth.merchantKey && !config.edge.adminKeys.length && !config.edge.merchantKeys.length
      && 'ADMIN_API_KEY or MERCHANT_API_KEY: at least one key is required',
  ].filter(Boolean) as string[];
  if (problems.length) throw new ConfigError(problems);
}

/** `npm run api`: one stateless API process; run as many as you like behind a load balancer. */
async function main(): Promise<void> {
  const log = createLogger('api');
  const config = loadConfig();
  requireProductionSettings(config);
  collectProcessMetrics('durapay_api_');
  // Before the Temporal client: its interceptors join the API's traces when tracing is on.
  const tracing = startTracing('durapay-api');
  const db = connectDatabase(config.database.url!);
  const { client, connection } = await connectTemporal(config.temporal.address!, config.temporal.namespace, config.temporalSecurity);
  const api = await startApiServer(
    {
      db, client, connection, log,
      providers: createProviders(config),
      taskQueue: config.temporal.taskQueue,
      timing: config.payments,
      returnUrl: config.payments.returnUrl,
      keys: { ...config.auth, adminKeys: config.edge.adminKeys, merchantKeys: config.edge.merchantKeys },
      ephemeralKeyTtlSeconds: config.edge.ephemeralKeyTtlSeconds,
      refunds: config.refunds,
      adminEmails: config.mail.adminEmails,
      publicUrl: config.publicUrl,
      offline: config.offline,
      disputes: config.disputes,
      rateLimits: config.edge.rateLimits,
      trustProxy: config.edge.trustProxy,
      risk: config.risk,
      adminConsole: { temporalUiUrl: config.adminConsole.temporalUiUrl, namespace: config.temporal.namespace, sessionHours: config.adminConsole.sessionHours },
      payloadCodec: dataConverterFor(config.temporalSecurity)?.payloadCodecs?.[0],
    },
    {
      host: config.host, port: config.port, relayIntervalMs: config.webhookRelayIntervalSeconds * 1000,
      requestTimeoutMs: config.edge.requestTimeoutMs, headersTimeoutMs: config.edge.headersTimeoutMs, drainMs: config.edge.drainMs,
    },
  );
  log.info({ url: api.url }, 'api listening');
  const stop = async () => {
    await api.close();
    await Promise.allSettled([connection.close(), db.destroy(), tracing?.shutdown()]);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
