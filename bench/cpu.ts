import fs from 'node:fs';

/** CPU seconds used so far by each process under `rootPid` (Linux /proc), grouped by what it is. */
export function cpuSecondsByRole(rootPid: number | undefined): Map<string, number> {
  const totals = new Map<string, number>();
  if (!rootPid || !fs.existsSync('/proc/self/stat')) return totals;
  const processes = new Map<number, { parent: number; ticks: number; command: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces; the fields after its closing parenthesis don't.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      processes.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), command });
    } catch {
      // Gone meanwhile.
    }
  }
  const under = (pid: number): boolean => {
    for (let current = pid, hops = 0; current > 1 && hops < 20; hops += 1) {
      if (current === rootPid) return true;
      current = processes.get(current)?.parent ?? 0;
    }
    return false;
  };
  for (const [pid, info] of processes) {
    if (!under(pid)) continue;
    const role = roleOf(info.command);
    totals.set(role, (totals.get(role) ?? 0) + info.ticks / 100);
  }
  totals.set('bench (load generator, bare worker)', (process.cpuUsage().user + process.cpuUsage().system) / 1e6);
  return totals;
}

function roleOf(command: string): string {
  if (command.includes('temporal')) return 'Temporal dev server';
  if (command.includes('postgres')) return 'PostgreSQL';
  if (command.includes('worker/main.ts')) return 'Durapay worker';
  if (command.includes('api/main.ts')) return 'Durapay API';
  if (command.includes('paypal-main.ts')) return 'PayPal sandbox';
  if (command.includes('sandbox/main.ts')) return 'Stripe sandbox';
  return 'supervisor and others';
}

/** Where CPU went between two readings, largest first, as "role 12.3 s (40%)". */
export function cpuShare(before: Map<string, number>, after: Map<string, number>): string[] {
  const used = [...after.entries()].map(([role, seconds]) => [role, seconds - (before.get(role) ?? 0)] as const).filter(([, seconds]) => seconds > 0.05);
  const total = used.reduce((sum, [, seconds]) => sum + seconds, 0);
  return used.sort((a, b) => b[1] - a[1]).map(([role, seconds]) => `${role} ${seconds.toFixed(1)} s (${((100 * seconds) / total).toFixed(0)}%)`);
}
