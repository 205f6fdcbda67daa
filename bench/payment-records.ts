/**
 * `npm run bench:records`: reading payments through payment_records (status and dispute derived from refunds and
 * disputes) as a ratio to the old design, the same rows with the statuses stored in an indexed column. 100,000
 * payments, 10% partly refunded, 1% disputed. Starts a throwaway embedded PostgreSQL (or uses BENCH_DATABASE_URL, into
 * which it writes synthetic rows: never point it at real data). See docs/payment-record.md for the figures.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPayment, listPayments } from '../api/payment-reads';
import { migrateToLatest } from '../db/migrate';
import { connectDatabase, type Database } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';

const PAYMENTS = Number(process.env.BENCH_RECORDS_PAYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RECORDS_RUNS ?? 51);
const log = (line: string) => console.log(`[bench:records] ${line}`);

async function seed(db: Database): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`
      insert into payments (id, status, amount, currency, capture_method, amount_captured, provider, payment_method_type, customer_id, metadata, state_version, created_at, updated_at)
      select 'pay_rec_' || g, 'succeeded', 1000 + g % 9000, 'eur', 'automatic', 1000 + g % 9000, 'stripe', 'card', 'cus_rec_' || g % 2000, '{}', 1,
             timestamptz '2025-01-01 00:00:00+00' + g * interval '315 seconds', now()
        from generate_series(1, ?) g`, [PAYMENTS]);
    // The database keeps amount_refunded from these rows (its trigger), as in production.
    await trx.raw(`
      insert into refunds (id, payment_id, amount, currency, reason, status, reserves_amount, requested_at, requested_by, completed_at)
      select 're_rec_' || g, 'pay_rec_' || g, (1000 + g % 9000) / 2, 'eur', 'requested_by_customer', 'succeeded', false, now(), 'bench', now()
        from generate_series(10, ?, 10) g`, [PAYMENTS]);
    await trx.raw(`
      insert into disputes (id, provider, provider_dispute_id, provider_payment_id, payment_id, amount, currency, reason, status, amount_lost, payment_status_before, shown_status, shown_at)
      select 'dsp_rec_' || g, 'stripe', 'dp_rec_' || g, null, 'pay_rec_' || g, 1000 + g % 9000, 'eur', 'fraudulent', 'lost', 1000 + g % 9000, 'succeeded', 'lost', now()
        from generate_series(7, ?, 100) g`, [PAYMENTS]);
    // The old design: the same records with their statuses stored, indexed as payments' status was.
    await trx.raw(`create table stored_records as select * from payment_records`);
    await trx.raw(`alter table stored_records add primary key (id)`);
    await trx.raw(`create index on stored_records (status, created_at)`);
    await trx.raw(`create index on stored_records (created_at, id)`);
    await trx.raw(`create index on stored_records (customer_id, created_at)`);
  });
  await db.raw('analyze payments; analyze refunds; analyze disputes; analyze stored_records');
}

const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** The view's read and the stored table's, alternately (after a warm-up of each): medians of times and of ratios. */
async function measure(read: (source: string, run: number) => Promise<unknown>): Promise<{ ms: number; baselineMs: number; ratio: number }> {
  await read('payment_records', 0);
  await read('stored_records', 0);
  const pairs: Array<[number, number]> = [];
  for (let run = 1; run <= RUNS; run += 1) pairs.push([await timed(() => read('payment_records', run)), await timed(() => read('stored_records', run))]);
  return { ms: middle(pairs.map(([view]) => view)), baselineMs: middle(pairs.map(([, stored]) => stored)), ratio: middle(pairs.map(([view, stored]) => view / stored)) };
}

async function main(): Promise<void> {
  const embedded = process.env.BENCH_DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'durapay-bench-records-')), 'pg'), port: 0, databaseName: 'durapay_bench', persistent: false, log: () => undefined });
  const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  const db = connectDatabase(url);
  try {
    await migrateToLatest(url);
    const seeding = Date.now();
    await seed(db);
    log(`seeded ${PAYMENTS} payments in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);
    // The API's own reads (api/payment-reads.ts) against the same query shape on the stored table.
    const stored = (where: Record<string, string>) => db('stored_records').where(where).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(11);
    const list = (source: string, where: Record<string, string>) => (source === 'stored_records' ? stored(where) : listPayments(db, { limit: 10, ...where }));
    const reads: Array<[string, (source: string, run: number) => Promise<unknown>]> = [
      ['GET /v1/payments/:id', (source, run) => {
        const id = `pay_rec_${1 + ((run * 7919) % PAYMENTS)}`;
        return source === 'stored_records' ? db(source).where({ id }).first() : findPayment(db, id);
      }],
      ['GET /v1/payments (newest 10)', (source) => list(source, {})],
      ['GET /v1/payments?customer_id', (source, run) => list(source, { customer_id: `cus_rec_${run % 2000}` })],
      ['GET /v1/payments?status=succeeded (89%)', (source) => list(source, { status: 'succeeded' })],
      ['GET /v1/payments?status=partially_refunded (10%)', (source) => list(source, { status: 'partially_refunded' })],
      ['GET /v1/payments?status=disputed (1%)', (source) => list(source, { status: 'disputed' })],
      ['GET /v1/payments?status=refunded (none)', (source) => list(source, { status: 'refunded' })],
      ['GET /v1/payments?status=failed (none)', (source) => list(source, { status: 'failed' })],
    ];
    console.log(`\n| read | payment_records median ms | stored statuses median ms | median ratio |\n| --- | --- | --- | --- |`);
    for (const [name, read] of reads) {
      const figures = await measure(read);
      console.log(`| ${name} | ${figures.ms.toFixed(2)} | ${figures.baselineMs.toFixed(2)} | ${figures.ratio.toFixed(2)} |`);
    }
    // The plans PostgreSQL chose for the rare filters, from the API's own queries.
    for (const status of ['disputed', 'refunded']) {
      const queries: Array<{ sql: string; bindings: unknown[] }> = [];
      const capture = (query: { sql: string; bindings: unknown[] }) => queries.push(query);
      db.on('query', capture);
      await listPayments(db, { limit: 10, status });
      db.off('query', capture);
      const { sql, bindings } = queries.at(-1)!;
      const { rows } = await db.raw(`explain (analyze) ${sql.replace(/\$\d+/g, "?")}`, bindings as never);
      console.log(`\nEXPLAIN (ANALYZE) GET /v1/payments?status=${status}:\n${rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}`);
    }
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
