import knex, { type Knex } from 'knex';
import pg from 'pg';

// bigint columns hold minor units (well below 2^53) and ids: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export type Database = Knex;

export interface DatabaseOptions {
  poolMax?: number;
  /** A statement running longer is canceled (PostgreSQL statement_timeout); 0: no limit (migrations). */
  statementTimeoutMs?: number;
  /** A transaction left idle this long is ended by the server, releasing its locks. */
  idleInTransactionTimeoutMs?: number;
}

/** Defaults well under the 30 s activity timeout, so a stuck query fails its activity instead of outliving it. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

export function connectDatabase(databaseUrl: string, options: DatabaseOptions = {}): Database {
  return knex({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
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
