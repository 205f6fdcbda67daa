/**
 * `npm run bench:ledger`: the revenue report over 100,000 payments' ledger, as a ratio to a same-run baseline (one
 * aggregate over the same payments' own rows), with the plan PostgreSQL chose. Starts a throwaway embedded
 * PostgreSQL (or uses BENCH_DATABASE_URL, into which it writes synthetic rows: never point it at real data).
 * See docs/reports.md for the figures.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { customerTotals, revenueReport, revenueReportSql, type RevenueQuery } from '../api/report-reads';
import { migrateToLatest } from '../db/migrate';
import { connectDatabase, type Database } from '../platform/database';
import { startEmbeddedPostgres } from '../platform/embedded-postgres';

const PAYMENTS = Number(process.env.BENCH_LEDGER_PAYMENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_LEDGER_RUNS ?? 7);
const log = (line: string) => console.log(`[bench:ledger] ${line}`);

/** A year of payments, one every 315 s; 10% partly refunded two days later, 1% lost to a dispute; 50 buildings, 2,000 customers. */
async function seed(db: Database): Promise<void> {
  const funds = `case when g.provider = 'offline' then case when g.method = 'cash' then 'offline:cash' else 'offline:bank' end else 'provider:' || g.provider || ':clearing' end`;
  await db.transaction(async (trx) => {
    await trx.raw(`
      create temporary table bench_seed on commit drop as
      select g, 'pay_bench_' || g as id, 1000 + (g * 37) % 9000 as amount, case when g % 5 = 0 then 'usd' else 'eur' end as currency,
             (array['card', 'card', 'card', 'sepa_debit', 'paypal', 'bank_transfer', 'cash'])[1 + g % 7] as method,
             timestamptz '2025-01-01 00:00:00+00' + g * interval '315 seconds' as at
        from generate_series(1, ?) g`, [PAYMENTS]);
    await trx.raw(`alter table bench_seed add column provider text`);
    await trx.raw(`update bench_seed set provider = case method when 'paypal' then 'paypal' when 'bank_transfer' then 'offline' when 'cash' then 'offline' else 'stripe' end`);
    await trx.raw(`
      insert into payments (id, status, amount, currency, capture_method, amount_captured, amount_refunded, provider, payment_method_type, customer_id, metadata, state_version, created_at, updated_at)
      select id, 'succeeded', amount, currency, 'automatic', amount, case when g % 10 = 0 then amount / 2 else 0 end, provider, method,
             'cus_bench_' || g % 2000, jsonb_build_object('building_id', 'b' || g % 50), 1, at, at
        from bench_seed`);
    const book = async (kind: string, key: string, filter: string, amount: string, at: string, debit: string, credit: string) => {
      await trx.raw(`
        with booked as (
          insert into ledger_transactions (idempotency_key, kind, payment_id, customer_id, provider, method, currency, occurred_at)
          select ${key}, '${kind}', g.id, 'cus_bench_' || g.g % 2000, g.provider, g.method, g.currency, ${at} from bench_seed g where ${filter}
          returning id, payment_id)
        insert into ledger_postings (transaction_id, account, direction, amount, currency)
        select b.id, side.account, side.direction, ${amount}, g.currency
          from booked b join bench_seed g on g.id = b.payment_id
          cross join lateral (values (${debit}, 'debit'), (${credit}, 'credit')) as side(account, direction)`);
    };
    await book('capture', `'payment:' || g.id || ':capture:' || g.amount`, 'true', 'g.amount', 'g.at', funds, `'revenue'`);
    await book('refund', `'refund:bench_' || g.id`, 'g.g % 10 = 0', 'g.amount / 2', `g.at + interval '2 days'`, `'refunds'`, funds);
    await book('dispute_opened', `'dispute:bench_' || g.id || ':opened'`, `g.g % 100 = 7 and g.provider <> 'offline'`, 'g.amount', `g.at + interval '5 days'`, `'disputes:open'`, funds);
    await book('dispute_lost', `'dispute:bench_' || g.id || ':lost'`, `g.g % 100 = 7 and g.provider <> 'offline'`, 'g.amount', `g.at + interval '20 days'`, `'disputes:lost'`, `'disputes:open'`);
    await trx.raw(`update payments set dispute_amount_lost = amount, dispute_status = 'lost', status = 'disputed' where id like 'pay_bench_%' and (substring(id from 11))::int % 100 = 7 and provider <> 'offline'`);
  });
  await db.raw('analyze payments; analyze ledger_transactions; analyze ledger_postings');
}

const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * The report and the baseline, alternately, RUNS times (after a warm-up of each): the machine's load drifts, so each
 * ratio compares two runs made moments apart. Medians of the report's times and of the ratios.
 */
async function measure(report: () => Promise<unknown>, baseline: () => Promise<unknown>): Promise<{ ms: number; baselineMs: number; ratio: number }> {
  await report();
  await baseline();
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < RUNS; i += 1) pairs.push([await timed(report), await timed(baseline)]);
  return { ms: middle(pairs.map(([r]) => r)), baselineMs: middle(pairs.map(([, b]) => b)), ratio: middle(pairs.map(([r, b]) => r / b)) };
}

async function main(): Promise<void> {
  const embedded = process.env.BENCH_DATABASE_URL
    ? null
    : await startEmbeddedPostgres({ dataDir: path.join(mkdtempSync(path.join(os.tmpdir(), 'durapay-bench-ledger-')), 'pg'), port: 0, databaseName: 'durapay_bench', persistent: false, log: () => undefined });
  const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
  const db = connectDatabase(url);
  try {
    await migrateToLatest(url);
    const seeding = Date.now();
    await seed(db);
    const [{ count: postings }] = await db('ledger_postings').count({ count: '*' });
    log(`seeded ${PAYMENTS} payments, ${postings} postings in ${((Date.now() - seeding) / 1000).toFixed(1)} s (balance checked by the database at commit)`);

    const year = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };
    const reports: Array<[string, RevenueQuery]> = [
      ['year by month, group_by=method', { ...year, interval: 'month', group_by: 'method' }],
      ['year by day, group_by=provider', { ...year, interval: 'day', group_by: 'provider' }],
      ['year by week, metadata[building_id]=b7', { ...year, interval: 'week', metadata: { building_id: 'b7' } }],
      ['one month by day, group_by=currency', { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z'), interval: 'day', group_by: 'currency' }],
    ];
    // The baseline: one aggregate over the same payments' own rows, what a report off status columns would cost at best.
    const baseline = () => db.raw(`select currency, sum(amount_captured), sum(amount_refunded) from payments where created_at >= ? and created_at < ? group by currency`, [year.from, year.to]);
    console.log(`\n| report | rows | median ms | baseline median ms | median ratio to baseline |\n| --- | --- | --- | --- | --- |`);
    for (const [name, query] of reports) {
      const rows = await revenueReport(db, query);
      const figures = await measure(() => revenueReport(db, query), baseline);
      console.log(`| ${name} | ${rows.length} | ${figures.ms.toFixed(1)} | ${figures.baselineMs.toFixed(1)} | ${figures.ratio.toFixed(2)} |`);
    }
    const stats = await measure(() => customerTotals(db, 'cus_bench_7'), baseline);
    console.log(`| customer stats (cus_bench_7) | - | ${stats.ms.toFixed(1)} | ${stats.baselineMs.toFixed(1)} | ${stats.ratio.toFixed(2)} |\n`);
    for (const [name, query] of [reports[0], reports[2]]) {
      const { sql, bindings } = revenueReportSql(query);
      const { rows } = await db.raw(`explain (analyze, buffers) ${sql}`, bindings);
      console.log(`EXPLAIN (ANALYZE, BUFFERS) ${name}:\n${rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}\n`);
    }
    // GET /v1/payments?metadata[...]: a common value (2% of payments) and a rare one (one payment).
    await db.raw(`update payments set metadata = metadata || '{"booking": "bk_42"}' where id = 'pay_bench_4242'`);
    await db.raw('analyze payments');
    for (const filter of [{ building_id: 'b7' }, { booking: 'bk_42' }]) {
      const { rows } = await db.raw(`explain (analyze) select id from payments where metadata @> ?::jsonb order by created_at desc, id desc limit 11`, [JSON.stringify(filter)]);
      console.log(`EXPLAIN (ANALYZE) GET /v1/payments?metadata ${JSON.stringify(filter)}:\n${rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}\n`);
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
