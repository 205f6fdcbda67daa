import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sleep, spawnService, superviseChild } from '../../platform/child-process';

let workDir: string;
beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-child-'));
});
afterAll(async () => {
  await fs.rm(workDir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('spawnService', () => {
  it('escalates to SIGKILL when a service ignores SIGTERM', async () => {
    const lines: string[] = [];
    const service = spawnService({
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo ready; while true; do sleep 0.1; done'],
      onLine: (line) => lines.push(line),
    });
    await waitFor(async () => lines.includes('ready'));
    const exit = await service.stop({ graceMs: 300 });
    expect(exit.signal).toBe('SIGKILL');
    expect(service.hasExited()).toBe(true);
  });

  it('reports a command that cannot start instead of throwing', async () => {
    const exit = await spawnService({ command: path.join(workDir, 'missing'), args: [], onLine: () => undefined }).exited;
    expect(exit.error?.message).toContain('ENOENT');
  });
});

describe('superviseChild', () => {
  it('restarts a child that exits, says so, and stops restarting once stopped', async () => {
    const runs = path.join(workDir, 'runs.txt');
    const lines: string[] = [];
    const child = superviseChild({
      name: 'flaky',
      command: 'sh',
      args: ['-c', `echo run >> ${runs}; exit 3`],
      cwd: workDir,
      env: process.env,
      onLine: (line) => lines.push(line),
    });
    const runCount = async () => (await fs.readFile(runs, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    await waitFor(async () => (await runCount()) >= 2);
    await child.stop();
    expect(lines).toContain('exited unexpectedly (code 3); restarting in 1s');
    const afterStop = await runCount();
    await sleep(1_500);
    expect(await runCount()).toBe(afterStop);
  });
});
