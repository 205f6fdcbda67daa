import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { chargeStatus, PAYMENT_STATUSES } from '../../domain/payment-status';

const root = path.resolve(__dirname, '../..');
const WRITER = 'activities/payment-record-writer.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.join(dir, name);
    if (statSync(path.join(root, relative)).isDirectory()) return sourceFiles(relative);
    return relative.endsWith('.ts') ? [relative] : [];
  });
}

/** Knex chains on the payments table that write (up to the end of the statement), and raw SQL that writes it. */
const KNEX_WRITE = /\(\s*['"]payments['"]\s*\)[^;]*?\.(update|insert|del|delete|upsert|merge|increment|decrement)\s*\(/s;
const SQL_WRITE = /\b(update|insert\s+into|delete\s+from)\s+payments\b/i;

describe('one writer for the payment record', () => {
  it('only activities/payment-record-writer.ts writes the payments table', () => {
    const files = ['api', 'activities', 'workflows', 'domain', 'platform', 'worker', 'providers', 'scripts'].flatMap(sourceFiles);
    expect(files).toContain(WRITER);
    const writers = files.filter((file) => {
      const source = readFileSync(path.join(root, file), 'utf8');
      return KNEX_WRITE.test(source) || SQL_WRITE.test(source);
    });
    expect(writers).toEqual([WRITER]);
  });

  it('the guard sees the writes it is there to catch', () => {
    expect(KNEX_WRITE.test(`await trx('payments').where({ id }).update({ amount_refunded: 1 });`)).toBe(true);
    expect(KNEX_WRITE.test(`await trx('payments').insert(row).onConflict().ignore();`)).toBe(true);
    expect(SQL_WRITE.test('update payments set status = ?')).toBe(true);
    expect(KNEX_WRITE.test(`await trx('payments').where({ id }).forUpdate().first('id');`)).toBe(false);
  });

  it('stores the charge lifecycle: refunded, partially refunded and disputed are a succeeded charge', () => {
    expect(PAYMENT_STATUSES.map(chargeStatus)).toEqual([
      'pending', 'requires_review', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled', 'succeeded', 'succeeded', 'succeeded',
    ]);
  });
});
