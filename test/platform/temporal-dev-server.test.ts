import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { waitForHttpOk } from '../../platform/child-process';
import { findTemporalCli } from '../../platform/temporal-cli';
import { startTemporalDevServer, type TemporalDevServer } from '../../platform/temporal-dev-server';

const projectRoot = path.resolve(__dirname, '..', '..');
const log = () => undefined;
let server: TemporalDevServer | undefined;

afterAll(async () => {
  await server?.stop();
});

describe('startTemporalDevServer', () => {
  it('serves an in-memory Temporal with the namespace and UI on free ports, and stops', async () => {
    const cliPath = await findTemporalCli({ configuredPath: process.env.TEMPORAL_CLI_PATH, projectRoot, log, allowInstall: false });
    const uiCodecEndpoint = 'http://127.0.0.1:3000/admin/codec';
    server = await startTemporalDevServer({ cliPath, dbFile: null, port: 0, uiPort: 0, namespace: 'durapay-test', log, uiCodecEndpoint });
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection, namespace: 'durapay-test' });
      const described = await client.workflowService.describeNamespace({ namespace: 'durapay-test' });
      expect(described.namespaceInfo?.name).toBe('durapay-test');
    } finally {
      await connection.close();
    }
    expect(await waitForHttpOk(server.uiUrl!, AbortSignal.timeout(20_000))).toBe(true);
    // The UI decodes payloads through Durapay's codec endpoint: its settings say where.
    const settings = (await (await fetch(`${server.uiUrl!}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(uiCodecEndpoint);

    await server.stop();
    const exit = await server.exited;
    expect(exit.error).toBeUndefined();
    await expect(Connection.connect({ address: server.address, connectTimeout: '1s' })).rejects.toThrow();
  });

  it('keeps its SQLite file in write-ahead-log mode by default', async () => {
    const cliPath = await findTemporalCli({ configuredPath: process.env.TEMPORAL_CLI_PATH, projectRoot, log, allowInstall: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durapay-temporal-wal-'));
    const dbFile = path.join(dir, 'temporal.sqlite');
    const onDisk = await startTemporalDevServer({ cliPath, dbFile, port: 0, uiPort: null, namespace: 'default', log });
    try {
      // SQLite keeps a -wal file beside the database only in WAL mode.
      expect(fs.existsSync(`${dbFile}-wal`)).toBe(true);
    } finally {
      await onDisk.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
