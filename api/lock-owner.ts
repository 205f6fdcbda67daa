import { randomUUID } from 'node:crypto';
import os from 'node:os';

/**
 * Who holds a lock: this host, this process id, and a random id for this boot of it. A lock held by a process on
 * this host that no longer exists, or by an earlier boot under a reused pid, belongs to a dead request.
 */
export const THIS_PROCESS = `${os.hostname()}:${process.pid}:${randomUUID()}`;

export function isDeadOwner(owner: string | null | undefined): boolean {
  if (!owner || owner === THIS_PROCESS) return false;
  const [host, pid] = owner.split(':');
  if (host !== os.hostname()) return false; // Another machine's process: only its lock's expiry tells.
  if (Number(pid) === process.pid) return true; // Our pid, another boot: that process is gone.
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
