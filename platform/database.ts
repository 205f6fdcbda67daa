import knex, { type Knex } from 'knex';
import pg from 'pg';

// bigint columns hold minor units (well below 2^53) and ids: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Database = Knex;

export function connectDatabase(databaseUrl: string, options: { poolMax?: number } = {}): Database {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: 0, max: options.poolMax ?? 10 },
  });
}

export async function isDatabaseReachable(db: Database): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}
