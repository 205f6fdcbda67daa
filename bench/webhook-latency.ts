/**
 * `npm run bench:webhooks`: how long from a payment's change being recorded (the event row's commit) to the
 * merchant's receiver getting the signed webhook, at c=1 and c=8, next to a same-run baseline: one plain signed POST
 * of the same body to the same receiver from this process (the hop alone). Starts its own `npm start` (or uses the
 * running one, BENCH_START=1 forces its own) and stops what it started.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
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
    /** One payment; the latency is arrival at the receiver minus the event's created_at (its transaction's time). */
    const latencies: number[] = [];
    const payOnce = async () => {
      const payment = await api('POST', '/v1/payments', { amount: 1000, currency: 'eur', payment_method: 'pm_card_visa' });
      if (payment.status !== 'succeeded') throw new Error(`payment: ${JSON.stringify(payment).slice(0, 200)}`);
      if (!arrivals.has(payment.id)) await new Promise<void>((resolve) => waiters.set(payment.id, resolve));
      const row = await db('events').where({ object_id: payment.id, type: 'payment.succeeded' }).first(db.raw('extract(epoch from created_at) * 1000 as at'));
      latencies.push(arrivals.get(payment.id)! - Number(row.at));
    };
    const run = async (concurrency: number) => {
      latencies.length = 0;
      await closedLoop(concurrency, PAYMENTS, payOnce);
      const sorted = [...latencies].sort((a, b) => a - b);
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), count: sorted.length };
    };
    await closedLoop(2, 10, payOnce);
    const c1 = await run(1);
    const c8 = await run(8);

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

    console.log('\n| state change → receiver | n | p50 | p99 | p50 / baseline p50 |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const [name, figures] of [['c=1', c1], ['c=8', c8]] as const) {
      console.log(`| ${name} | ${figures.count} | ${ms(figures.p50)} | ${ms(figures.p99)} | ${ratio(figures.p50 / Math.max(baseline.p50, 0.1))} |`);
    }
    console.log(`| baseline: one signed POST to the receiver | ${hop.length} | ${ms(baseline.p50)} | ${ms(baseline.p99)} | 1.00× |`);
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
