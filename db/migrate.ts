import path from 'node:path';
import { connectDatabase } from '../platform/database';

const migrationConfig = {
  directory: path.join(__dirname, 'migrations'),
  loadExtensions: ['.ts', '.js'],
  tableName: 'knex_migrations',
};

/** Applies pending migrations; returns the names it applied. Safe to run from several processes at once. */
export async function migrateToLatest(databaseUrl: string): Promise<string[]> {
  // An index build may take longer than any request should.
  const db = connectDatabase(databaseUrl, { poolMax: 2, statementTimeoutMs: 0 });
  try {
    const [, applied] = (await db.migrate.latest(migrationConfig)) as [number, string[]];
    return applied;
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('DATABASE_URL is not set. `npm start` migrates the embedded database by itself; set DATABASE_URL to migrate another.');
    process.exit(1);
  }
  migrateToLatest(databaseUrl)
    .then((applied) => {
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
