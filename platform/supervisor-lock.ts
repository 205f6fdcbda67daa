import { promises as fs } from 'node:fs';
import path from 'node:path';

/*
 * One `npm start` per data folder: the supervisor writes DATA_DIR/supervisor.pid (its pid and process start time,
 * so a reused pid isn't mistaken for it). A lock whose process is gone was left by a supervisor that died (kill -9,
 * OOM, a closed terminal): whatever still runs on that folder (PostgreSQL) is then a leftover to stop, not another
 * user's server to refuse.
 */

interface LockRecord {
  pid: number;
  /** /proc/<pid>/stat's start time (clock ticks since boot) on Linux; null elsewhere. */
  startTime: string | null;
}

async function processStartTime(pid: number): Promise<string | null> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses); the start time is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

async function isRunning(record: LockRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (record.startTime === null) return true;
  return (await processStartTime(record.pid)) === record.startTime;
}

export interface SupervisorLock {
  /** True when an earlier supervisor's lock was found with its process gone. */
  previousDied: boolean;
  release(): Promise<void>;
}

/** Takes the data folder's lock; refuses (with the remedy) while another live supervisor holds it. */
export async function acquireSupervisorLock(dataDir: string): Promise<SupervisorLock> {
  const file = path.join(dataDir, 'supervisor.pid');
  const mine: LockRecord = { pid: process.pid, startTime: await processStartTime(process.pid) };
  let previousDied = false;
  // Exclusive create, so two supervisors starting at the same moment can't both take it.
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const held = await fs.readFile(file, 'utf8').then((text) => JSON.parse(text) as LockRecord, () => null);
    if (held && (await isRunning(held))) {
      throw new Error(`Another \`npm start\` (pid ${held.pid}) is running on ${dataDir}. Stop it first (Ctrl-C in its terminal, or kill ${held.pid}), or set DATA_DIR to another folder.`);
    }
    previousDied = true;
    await fs.rm(file, { force: true });
  }
  return {
    previousDied,
    release: async () => {
      const current = await fs.readFile(file, 'utf8').catch(() => '');
      if (current === JSON.stringify(mine)) await fs.rm(file, { force: true });
    },
  };
}
