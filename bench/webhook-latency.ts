/**
 * `npm run bench:webhooks`: how long from a payment's change being recorded (the event row's commit) to the
 * merchant's receiver getting the signed webhook, at c=1 and c=8, next to a same-run baseline: one plain signed POST
 * of the same body to the same receiver from this process (the hop alone). Starts its own `npm start` (or uses the
 * running one, BENCH_START=1 forces its own) and stops what it started.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { signatureHeader } from '../client/webhook-signature';
import { connectDatabase } from '../platform/database';
import { closedLoop, ms, percentile, ratio } from './load';
import { startOrAttach } from './target';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 100);
const log = (line: string) => console.log(`[bench:webhooks] ${line}`);

async function main(): Promise<void> {
  const target = await startOrAttach(log);
  const db = connectDatabase(target.databaseUrl, { poolMax: 2 });
  const arrivals = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const receiver = http.createServer((request, response) => {
    const arrived = Date.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.end();
      const event = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; data: { object: { id: string } } };
      if (event.id === 'baseline') return;
      arrivals.set(event.data.object.id, arrived);
      waiters.get(event.data.object.id)?.();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/durapay`;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${target.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${target.merchantKey}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((answer) => answer.json() as Promise<Record<string, any>>);

  const endpoint = await api('POST', '/v1/webhook-endpoints', { url: receiverUrl, enabled_events: ['payment.succeeded'] });
  try {
    /**
     * One payment; the latency is arrival at the receiver minus the event's created_at (its transaction's time), split
     * into the stages the database saw: queued → workflow started (dispatcher) → attempt recorded (workflow, HTTP).
     */
    const samples: Array<{ total: number; dispatch: number; attempt: number; request: number }> = [];
    const payOnce = async () => {
      const started = Date.now();
      const payment = await api('POST', '/v1/payments', { amount: 1000, currency: 'eur', payment_method: 'pm_card_visa' });
      const request = Date.now() - started;
      if (payment.status !== 'succeeded') throw new Error(`payment: ${JSON.stringify(payment).slice(0, 200)}`);
      if (!arrivals.has(payment.id)) await new Promise<void>((resolve) => waiters.set(payment.id, resolve));
      const epochMs = (column: string) => db.raw(`extract(epoch from ${column}) * 1000`);
      const stages = () => db('events as e')
        .join('webhook_deliveries as d', 'd.event_id', 'e.id')
        .join('webhook_delivery_attempts as a', 'a.delivery_id', 'd.id')
        .where({ 'e.object_id': payment.id, 'e.type': 'payment.succeeded', 'd.endpoint_id': endpoint.id })
        .first({ created: epochMs('e.created_at'), dispatched: epochMs('d.dispatched_at'), attempted: epochMs('a.attempted_at') });
      // The receiver has it before the activity records the attempt.
      let row = await stages();
      while (!row) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        row = await stages();
      }
      samples.push({
        total: arrivals.get(payment.id)! - Number(row.created), dispatch: Number(row.dispatched) - Number(row.created),
        attempt: Number(row.attempted) - Number(row.dispatched), request,
      });
    };
    const p = (values: number[], at: number) => percentile([...values].sort((a, b) => a - b), at);
    const run = async (concurrency: number) => {
      samples.length = 0;
      await closedLoop(concurrency, PAYMENTS, payOnce);
      const of = (key: keyof (typeof samples)[number]) => samples.map((sample) => sample[key]);
      return {
        count: samples.length, p50: p(of('total'), 50), p99: p(of('total'), 99),
        dispatch: p(of('dispatch'), 50), dispatch99: p(of('dispatch'), 99), attempt: p(of('attempt'), 50), attempt99: p(of('attempt'), 99), request: p(of('request'), 50),
      };
    };
    await closedLoop(2, 10, payOnce);
    const c1 = await run(1);
    const c8 = await run(8);
    const load = os.loadavg()[0].toFixed(1);

    const body = JSON.stringify({ id: 'baseline', object: 'event', type: 'payment.succeeded', created: 0, data: { object: { id: 'baseline' } } });
    const hop: number[] = [];
    await closedLoop(1, PAYMENTS, async () => {
      const started = Date.now();
      const answer = await fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'durapay-signature': signatureHeader(body, ['whsec_bench']) }, body });
      await answer.arrayBuffer();
      hop.push(Date.now() - started);
    });
    const hopSorted = hop.sort((a, b) => a - b);
    const baseline = { p50: percentile(hopSorted, 50), p99: percentile(hopSorted, 99) };

    console.log('\n| state change → receiver | n | p50 | p99 | p50 / baseline p50 | queued → workflow started p50 / p99 | started → attempt recorded p50 / p99 | p50 POST /v1/payments (same run) |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const [name, f] of [['c=1', c1], ['c=8', c8]] as const) {
      console.log(`| ${name} | ${f.count} | ${ms(f.p50)} | ${ms(f.p99)} | ${ratio(f.p50 / Math.max(baseline.p50, 0.1))} | ${ms(f.dispatch)} / ${ms(f.dispatch99)} | ${ms(f.attempt)} / ${ms(f.attempt99)} | ${ms(f.request)} |`);
    }
    console.log(`| baseline: one signed POST to the receiver | ${hop.length} | ${ms(baseline.p50)} | ${ms(baseline.p99)} | 1.00× | | | |`);
    console.log(`\n${os.cpus().length} CPUs, load average ${load} (1 min) when the runs ended.`);
  } finally {
    if (endpoint.id) await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`);
    receiver.close();
    await db.destroy();
    await target.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
