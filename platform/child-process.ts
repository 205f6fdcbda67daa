import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import readline from 'node:readline';

export type LineLogger = (line: string) => void;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface ServiceProcess {
  readonly pid: number | undefined;
  /** Settles once the process has exited, for any reason; never rejects. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** Sends `signal` to the process group, SIGKILL after `graceMs`; resolves once it has exited. */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ExitInfo>;
}

export interface SpawnServiceOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** What the watchdog sends the group if the supervisor dies (PostgreSQL: SIGINT, its fast shutdown). */
  stopSignal?: NodeJS.Signals;
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
}

// Every live service, so a crash or a forced exit never leaves servers holding ports.
const liveServices = new Set<ChildProcess>();
let exitHookInstalled = false;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/*
 * The watchdog: a tiny process in its own session that reads, on a pipe from the supervisor, which process groups
 * are running ("add <pgid> <signal>", "del <pgid>"). The pipe closes when the supervisor exits for any reason,
 * kill -9 and the OOM killer included (no handler of ours runs then); the watchdog then signals every group still
 * listed, SIGKILLs what is left 10 s later, and exits. Services run in their own process groups (so Ctrl-C reaches
 * only the supervisor), which is why they would otherwise outlive it.
 */
const WATCHDOG_SCRIPT = `
const groups = new Map();
let pending = '';
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
process.stdin.on('data', (chunk) => {
  pending += chunk;
  for (let i = pending.indexOf('\\n'); i >= 0; i = pending.indexOf('\\n')) {
    const [command, pgid, signal] = pending.slice(0, i).split(' ');
    pending = pending.slice(i + 1);
    if (command === 'add') groups.set(Number(pgid), signal || 'SIGTERM');
    if (command === 'del') groups.delete(Number(pgid));
  }
});
const signalAll = (signal) => { for (const [pgid, own] of groups) { try { process.kill(-pgid, signal || own); } catch {} } };
process.stdin.on('close', () => {
  if (groups.size === 0) process.exit(0);
  signalAll();
  setTimeout(() => { signalAll('SIGKILL'); process.exit(0); }, 10000);
});
process.stdin.resume();
`;

let watchdog: ChildProcess | undefined;
const watchdogSignals = new Map<ChildProcess, NodeJS.Signals>();

function tellWatchdog(line: string): void {
  if (!watchdog?.stdin?.writable) return;
  watchdog.stdin.write(`${line}\n`);
}

/**
 * Makes every service (started before or after) die with this process, however it dies. Call once from a
 * supervisor; its services are then stopped by the watchdog if the supervisor is killed.
 */
export function watchOverServices(): void {
  if (watchdog || process.platform === 'win32') return;
  watchdog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  // Neither the watchdog nor its pipe keeps the supervisor's event loop alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  watchdog.stdin?.on('error', () => undefined);
  for (const [child, signal] of watchdogSignals) tellWatchdog(`add ${child.pid} ${signal}`);
}

/** The watchdog's pid (tests look at it), if one runs. */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}

/** SIGKILLs every service still running; used for a forced exit. */
export function killAllServicesNow(): void {
  for (const child of liveServices) signalGroup(child, 'SIGKILL');
}

/**
 * Spawns a long-running service in its own process group: Ctrl-C in the terminal then reaches only the
 * supervisor, which stops services in order instead of all at once.
 */
export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  if (!exitHookInstalled) {
    process.on('exit', killAllServicesNow);
    exitHookInstalled = true;
  }
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    uid: options.uid,
    gid: options.gid,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveServices.add(child);
  if (child.pid !== undefined) {
    watchdogSignals.set(child, options.stopSignal ?? 'SIGTERM');
    tellWatchdog(`add ${child.pid} ${options.stopSignal ?? 'SIGTERM'}`);
  }
  for (const stream of ['stdout', 'stderr'] as const) {
    const input = child[stream];
    if (input) readline.createInterface({ input, crlfDelay: Infinity }).on('line', (line) => options.onLine(line, stream));
  }
  let done = false;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.on('error', (error) => {
      // 'error' without a pid means spawn failed and no 'exit' will follow.
      if (child.pid === undefined) {
        done = true;
        liveServices.delete(child);
        resolve({ code: null, signal: null, error });
      }
    });
    child.once('exit', (code, signal) => {
      done = true;
      liveServices.delete(child);
      watchdogSignals.delete(child);
      tellWatchdog(`del ${child.pid}`);
      resolve({ code, signal });
    });
  });

  const stop = async ({ signal = 'SIGTERM', graceMs = 10_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {}) => {
    if (done) return exited;
    signalGroup(child, signal);
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    const info = await exited;
    clearTimeout(timer);
    // The group may still hold helpers (e.g. a shim's children); they must not outlive the service.
    signalGroup(child, 'SIGKILL');
    return info;
  };
  return { pid: child.pid, exited, hasExited: () => done, stop };
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return info.error.message;
  return info.signal ? `signal ${info.signal}` : `code ${info.code}`;
}

/** Asks the OS for a free TCP port; another process could take it before we bind, which is fine for local use. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls `url` until it answers 200; returns false if `signal` aborts first. */
export async function waitForHttpOk(url: string, signal: AbortSignal, intervalMs = 250): Promise<boolean> {
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
      await response.body?.cancel();
      if (response.status === 200) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(intervalMs, signal);
  }
  return false;
}

export interface SupervisedChild {
  readonly name: string;
  /** Stops restarting, then SIGTERM (SIGKILL after `graceMs`) and waits for exit. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 30_000;
// A child that stayed up this long was healthy; its next crash restarts quickly again.
const HEALTHY_UPTIME_MS = 60_000;

/** Runs a child process and restarts it with exponential backoff (1 s, 2 s, 4 s … 30 s) whenever it exits. */
export function superviseChild(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  onLine: SpawnServiceOptions['onLine'];
}): SupervisedChild {
  let current: ServiceProcess | undefined;
  let stopping = false;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  const log = (line: string) => options.onLine(line, 'stderr');

  const run = (): void => {
    const startedAt = Date.now();
    const service = spawnService({ command: options.command, args: options.args, cwd: options.cwd, env: options.env, onLine: options.onLine });
    current = service;
    void service.exited.then((info) => {
      if (stopping) return;
      if (Date.now() - startedAt >= HEALTHY_UPTIME_MS) failures = 0;
      const delayMs = Math.min(1000 * 2 ** failures, MAX_RESTART_DELAY_MS);
      failures += 1;
      log(`exited unexpectedly (${describeExit(info)}); restarting in ${delayMs / 1000}s`);
      restartTimer = setTimeout(run, delayMs);
    });
  };
  run();

  return {
    name: options.name,
    async stop(graceMs = 10_000) {
      stopping = true;
      clearTimeout(restartTimer);
      await current?.stop({ signal: 'SIGTERM', graceMs });
    },
  };
}
