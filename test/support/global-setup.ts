import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workflowInterceptorModules } from '../../worker/workflow-interceptor-modules';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../platform/failure-converter';
import { migrateToLatest } from '../../db/migrate';
import { startEmbeddedPostgres } from '../../platform/embedded-postgres';
import { connectTemporal, ensureSearchAttributes } from '../../platform/temporal';
import { findTemporalCli } from '../../platform/temporal-cli';
import { startTemporalDevServer } from '../../platform/temporal-dev-server';
import { findStripeMock, startStripeMock } from './stripe-mock';
import { TEST_ENV_KEYS, type TestServices } from './test-env';

const projectRoot = path.resolve(__dirname, '..', '..');
const quiet = (line: string) => {
  if (process.env.DURAPAY_TEST_VERBOSE) console.log(line);
};

/** One real PostgreSQL, one real Temporal dev server and one stripe-mock for the whole run, shared by the test files. */
export default async function globalSetup(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'durapay-test-'));
  const services: TestServices = { workDir };
  (globalThis as { __durapayServices?: TestServices }).__durapayServices = services;

  const [postgres, temporalCli, bundle] = await Promise.all([
    process.env.DATABASE_URL
      ? Promise.resolve(null)
      : startEmbeddedPostgres({ dataDir: path.join(workDir, 'pg'), port: 0, databaseName: 'durapay_test', persistent: false, log: quiet }),
    findTemporalCli({ configuredPath: process.env.TEMPORAL_CLI_PATH, projectRoot, log: quiet, allowInstall: true }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'), workflowInterceptorModules: workflowInterceptorModules(false),
      failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN'),
    }),
  ]);
  services.postgres = postgres ?? undefined;
  const databaseUrl = process.env.DATABASE_URL ?? postgres!.url;
  await migrateToLatest(databaseUrl);

  const temporal = await startTemporalDevServer({ cliPath: temporalCli, dbFile: null, port: 0, uiPort: null, namespace: 'default', log: quiet });
  services.temporal = temporal;
  const { connection } = await connectTemporal(temporal.address, 'default');
  await ensureSearchAttributes(connection, 'default');
  await connection.close();

  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);

  const stripeMock = await startStripeMock(findStripeMock(projectRoot));
  services.stripeMock = stripeMock.process;

  process.env[TEST_ENV_KEYS.databaseUrl] = databaseUrl;
  process.env[TEST_ENV_KEYS.temporalAddress] = temporal.address;
  process.env[TEST_ENV_KEYS.workflowBundle] = bundlePath;
  process.env[TEST_ENV_KEYS.stripeMockUrl] = stripeMock.url;
  process.env[TEST_ENV_KEYS.temporalCli] = temporalCli;
}
