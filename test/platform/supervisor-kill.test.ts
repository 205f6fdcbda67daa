import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../platform/child-process';
import { waitFor } from '../support/wait';

/*
 * `npm start`'s supervisor (scripts/start.ts), run for real and killed with kill -9: everything it started
 * (PostgreSQL, Temporal, sandboxes, worker, API) goes with it; a PostgreSQL that still outlived it (its watchdog
 * killed too) is recognized and stopped by the next start instead of being refused.
 */
const projectRoot = path.resolve(__dirname, '..', '..');
let dataDir: string;
let env: NodeJS.ProcessEnv;
const supervisors: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-supervisor-'));
  const port = async () => String(await findFreePort());
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|TEMPORAL_ADDRESS|SMTP_URL|STRIPE_|PAYPAL_|ADMIN_|MERCHANT_|TEMPORAL_CODEC_KEYS|DURAPAY_)/.test(key)));
  env = {
    ...inherited, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: await port(), EMBEDDED_POSTGRES_PORT: await port(),
    EMBEDDED_TEMPORAL_PORT: await port(), EMBEDDED_TEMPORAL_UI_PORT: await port(), STRIPE_SANDBOX_PORT: await port(),
    PAYPAL_SANDBOX_PORT: await port(), SMTP_SINK_PORT: await port(), WORKER_METRICS_PORT: '0', LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  for (const supervisor of supervisors) if (supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
});

/** Starts `scripts/start.ts` and resolves once its banner says it is ready, with everything it printed so far. */
async function startSupervisor(): Promise<{ process: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'start.ts')], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  supervisors.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`the supervisor exited (${child.exitCode}):\n${output.slice(-3000)}`);
    return output.includes('Durapay is ready') ? true : undefined;
  }, { what: 'npm start to be ready', timeoutMs: 240_000, intervalMs: 250 });
  return { process: child, output: () => output };
}

/** Direct children of a process, from /proc (pid, ppid and the command line). */
async function childrenOf(pid: number): Promise<Array<{ pid: number; command: string }>> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid !== pid) continue;
    const command = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    found.push({ pid: Number(entry), command });
  }
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function postmasterPid(): Promise<number> {
  const candidates = [path.join(dataDir, 'postgres', 'postmaster.pid')];
  const link = await fs.readlink(path.join(dataDir, 'postgres')).catch(() => null);
  if (link) candidates.unshift(path.join(link, 'postmaster.pid'));
  for (const file of candidates) {
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    if (text) return Number(text.split('\n')[0]);
  }
  throw new Error('no postmaster.pid');
}

const describeLinux = process.platform === 'linux' ? describe : describe.skip;

describeLinux('npm start killed with kill -9', () => {
  it('takes everything it started down with it', async () => {
    const { process: supervisor } = await startSupervisor();
    const children = await childrenOf(supervisor.pid!);
    const postgres = await postmasterPid();
    // PostgreSQL, Temporal, both sandboxes, worker, API and the watchdog.
    expect(children.length).toBeGreaterThanOrEqual(6);
    expect(children.map((child) => child.pid)).toContain(postgres);

    process.kill(supervisor.pid!, 'SIGKILL');
    const survivors = await waitFor(async () => {
      const left = children.filter((child) => alive(child.pid));
      return left.length === 0 ? left : undefined;
    }, { what: 'every child of the killed supervisor to exit', timeoutMs: 60_000, intervalMs: 250 }).catch(() => children.filter((child) => alive(child.pid)));
    expect(survivors).toEqual([]);
  }, 360_000);

  it('stops the PostgreSQL an earlier start left running (its watchdog killed too) instead of refusing', async () => {
    const { process: supervisor } = await startSupervisor();
    const postgres = await postmasterPid();
    const children = await childrenOf(supervisor.pid!);
    const watchdog = children.find((child) => child.command.includes('process.stdin'));
    expect(watchdog).toBeDefined();
    // Nothing left to clean up after it: PostgreSQL (in its own process group) outlives its supervisor. The other
    // children are killed here, so only PostgreSQL is left over (their ports are free for the next start).
    process.kill(watchdog!.pid, 'SIGKILL');
    process.kill(supervisor.pid!, 'SIGKILL');
    for (const child of children) {
      if (child.pid === postgres || child.pid === watchdog!.pid) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await waitFor(async () => (alive(supervisor.pid!) ? undefined : true), { what: 'the supervisor to be gone', timeoutMs: 30_000 });
    expect(alive(postgres)).toBe(true);

    const next = await startSupervisor();
    expect(next.output()).toContain('ended without stopping');
    expect(next.output()).toContain(`stopping PostgreSQL (pid ${postgres}) left running`);
    expect(alive(postgres)).toBe(false);
    next.process.kill('SIGTERM');
    await waitFor(async () => (next.process.exitCode !== null ? next.process.exitCode : undefined), { what: 'a clean stop', timeoutMs: 120_000 });
    expect(next.process.exitCode).toBe(0);
    await expect(fs.access(path.join(dataDir, 'supervisor.pid'))).rejects.toThrow();
  }, 480_000);
});
