import { Connection } from '@temporalio/client';
import { findFreePort, sleep, spawnService, type ExitInfo, type LineLogger } from './child-process';

const STARTUP_TIMEOUT_MS = 60_000;

export interface TemporalDevServerOptions {
  cliPath: string;
  /** SQLite file that keeps workflows across restarts; null keeps everything in memory. */
  dbFile: string | null;
  /** 0 picks a free port. */
  port: number;
  /** 0 picks a free port; null runs without the web UI. */
  uiPort: number | null;
  namespace: string;
  log: LineLogger;
  /** `PRAGMA=VALUE` for the SQLite file (ignored in memory); default DEFAULT_SQLITE_PRAGMAS, [] for SQLite's own. */
  sqlitePragmas?: string[];
  /** The UI decodes payloads through this codec server (Durapay's API: <public url>/admin/codec). */
  uiCodecEndpoint?: string;
}

/**
 * Write-ahead log, fsync at checkpoints only: every commit is one sequential append instead of two synced writes, which
 * roughly doubles the dev server's throughput. The price: an operating-system crash or power cut may lose the last
 * moments of committed workflow history (the file stays consistent); a crash of the server process itself loses nothing.
 */
export const DEFAULT_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=NORMAL'];

export interface TemporalDevServer {
  /** host:port of the frontend, for Connection.connect / TEMPORAL_ADDRESS. */
  address: string;
  uiUrl: string | null;
  /** Settles when the server process exits, whether through stop() or a crash. */
  exited: Promise<ExitInfo>;
  /** SIGTERM, SIGKILL after 10 s; safe to call more than once. */
  stop(): Promise<void>;
}

/** Runs `temporal server start-dev` and resolves once its frontend answers and the namespace exists. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const port = options.port === 0 ? await findFreePort() : options.port;
  const uiPort = options.uiPort === 0 ? await findFreePort() : options.uiPort;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...(uiPort === null ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (uiPort !== null && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    args.push('--db-filename', options.dbFile);
    for (const pragma of options.sqlitePragmas ?? DEFAULT_SQLITE_PRAGMAS) args.push('--sqlite-pragma', pragma);
  }
  // "default" always exists; naming it again is redundant.
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);

  const recentOutput: string[] = [];
  let stopping: Promise<void> | undefined;
  const server = spawnService({
    command: options.cliPath,
    args,
    onLine: (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 20) recentOutput.shift();
      // While shutting down its internal services warn about each other being gone: noise, not news.
      if (!stopping) options.log(line);
    },
  });
  const stop = () => (stopping ??= server.stop({ signal: 'SIGTERM', graceMs: 10_000 }).then(() => undefined));

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, options.namespace, server.hasExited, () => recentOutput.join('\n'));
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`, exited: server.exited, stop };
}

async function waitUntilServing(address: string, namespace: string, hasExited: () => boolean, recentOutput: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error(`the Temporal dev server exited during startup:\n${recentOutput()}`);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
      await sleep(250);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(`the Temporal dev server did not answer on ${address} within ${STARTUP_TIMEOUT_MS / 1000}s: ${String(lastError)}\n${recentOutput()}`);
}
