import { connectDatabase, DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS } from '../../platform/database';
import { STRIPE_BUDGET_MS } from '../../providers/stripe/stripe-client';
import { testEnv } from '../support/test-env';

/** The activity timeout of the workflows that call providers and the database ('30 seconds'). */
const ACTIVITY_TIMEOUT_MS = 30_000;

describe('timeouts', () => {
  it('keeps provider and database budgets under the activity timeout', () => {
    expect(STRIPE_BUDGET_MS).toBeLessThan(ACTIVITY_TIMEOUT_MS);
    expect(DEFAULT_STATEMENT_TIMEOUT_MS).toBeLessThan(ACTIVITY_TIMEOUT_MS);
    expect(DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS).toBeLessThanOrEqual(ACTIVITY_TIMEOUT_MS);
  });

  it('has PostgreSQL cancel a long statement and end a transaction left idle', async () => {
    const db = connectDatabase(testEnv().databaseUrl, { poolMax: 2, statementTimeoutMs: 300, idleInTransactionTimeoutMs: 300 });
    try {
      const settings = await db.raw("select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i");
      expect(settings.rows[0]).toEqual({ s: '300ms', i: '300ms' });
      await expect(db.raw('select pg_sleep(5)')).rejects.toMatchObject({ code: '57014' }); // query_canceled
      const trx = await db.transaction();
      await trx.raw('select 1');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await expect(trx.raw('select 1')).rejects.toThrow();
      await trx.rollback().catch(() => undefined);
    } finally {
      await db.destroy();
    }
  });
});
