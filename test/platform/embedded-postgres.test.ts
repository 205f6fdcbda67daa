import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../platform/embedded-postgres';

const log = () => undefined;
const started: EmbeddedPostgres[] = [];
let workDir: string;

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-pg-test-'));
});
afterAll(async () => {
  await Promise.all(started.map((server) => server.stop()));
  await fs.rm(workDir, { recursive: true, force: true });
});

describe('startEmbeddedPostgres', () => {
  it('stops a PostgreSQL left running on its data folder when its supervisor is gone (stopLeftover), and refuses otherwise', async () => {
    const dataDir = path.join(workDir, 'leftover', 'postgres');
    const options = { dataDir, port: 0, databaseName: 'durapay_leftover', persistent: true, log };
    // Started and never stopped: what a supervisor killed with kill -9 leaves behind.
    const leftover = await startEmbeddedPostgres(options);
    started.push(leftover);
    await query(leftover.url, 'create table kept (n int); insert into kept values (7)');

    await expect(startEmbeddedPostgres(options)).rejects.toThrow(/is already running on/);
    const next = await startEmbeddedPostgres({ ...options, stopLeftover: true });
    started.push(next);
    // The leftover's postmaster exited (a fast shutdown), and the new server has its data.
    await expect(leftover.exited).resolves.toMatchObject({ code: 0 });
    expect(await query(next.url, 'select n from kept')).toEqual([{ n: 7 }]);
    await next.stop();
  });

  it('runs from a folder private to root (a 0700 home): as root, the cluster lives where the postgres user can reach it', async () => {
    const home = path.join(workDir, 'private-home');
    await fs.mkdir(home, { mode: 0o700 });
    await fs.chmod(home, 0o700);
    const dataDir = path.join(home, 'project', '.data', 'postgres');
    const options = { dataDir, port: 0, databaseName: 'durapay_private', persistent: true, log };
    const first = await startEmbeddedPostgres(options);
    started.push(first);
    await query(first.url, 'create table kept (n int); insert into kept values (42)');
    await first.stop();
    // The home stays private; a second start finds the same cluster again.
    expect((await fs.stat(home)).mode & 0o777).toBe(0o700);
    const again = await startEmbeddedPostgres(options);
    started.push(again);
    expect(await query(again.url, 'select n from kept')).toEqual([{ n: 42 }]);
    await again.stop();
    if (process.getuid?.() === 0) {
      const cluster = await fs.readlink(dataDir);
      expect(cluster).toMatch(/^\/var\/lib\/durapay\/clusters\/[0-9a-f]{16}\/postgres$/);
      await fs.rm(path.dirname(cluster), { recursive: true, force: true });
    }
  });

  it('runs a throwaway cluster on a free port, creates the database, and removes it on stop', async () => {
    const dataDir = path.join(workDir, 'throwaway');
    const server = await startEmbeddedPostgres({ dataDir, port: 0, databaseName: 'durapay_probe', persistent: false, log });
    started.push(server);
    expect(server.url).toBe(`postgres://postgres:postgres@127.0.0.1:${server.port}/durapay_probe`);
    expect(server.port).toBeGreaterThan(0);
    expect(await query(server.url, 'select current_database() as name, 1 as one')).toEqual([{ name: 'durapay_probe', one: 1 }]);

    await server.stop();
    await server.stop(); // a second stop is harmless
    await expect(query(server.url, 'select 1')).rejects.toThrow();
    await expect(fs.access(dataDir)).rejects.toThrow();
  });

  it('keeps rows across restarts of a persistent cluster, even after a crash left a stale postmaster.pid', async () => {
    const dataDir = path.join(workDir, 'persistent');
    const first = await startEmbeddedPostgres({ dataDir, port: 0, databaseName: 'durapay', persistent: true, log });
    started.push(first);
    await query(first.url, "create table kept (id int primary key, note text); insert into kept values (1, 'a'), (2, 'b')");
    // The cluster is in use: a second server on the same files must be refused, not started.
    await expect(startEmbeddedPostgres({ dataDir, port: 0, databaseName: 'durapay', persistent: true, log })).rejects.toThrow(
      'is already running',
    );
    await first.stop();

    // After a reboot the recorded pid may belong to some other live process.
    const unrelated = spawn('sleep', ['30']);
    await fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${unrelated.pid}\n${dataDir}\n`);
    const lines: string[] = [];
    try {
      const second = await startEmbeddedPostgres({ dataDir, port: 0, databaseName: 'durapay', persistent: true, log: (line) => lines.push(line) });
      started.push(second);
      expect(lines).toContainEqual(expect.stringContaining(`removing stale ${path.join(dataDir, 'postmaster.pid')}`));
      expect(await query(second.url, 'select id, note from kept order by id')).toEqual([{ id: 1, note: 'a' }, { id: 2, note: 'b' }]);
      await second.stop();
    } finally {
      unrelated.kill();
    }
    await expect(fs.access(path.join(dataDir, 'PG_VERSION'))).resolves.toBeUndefined();
  });
});
