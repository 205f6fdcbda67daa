/**
 * Median latency of a card payment, POST /v1/payments to `succeeded`, against a running `npm start`.
 * The baseline, in the same run, is the same PaymentIntent created straight at the Stripe sandbox: the ratio
 * is what the engine (idempotency, Temporal, PostgreSQL) adds, independent of the machine's speed.
 *
 *   npm start            # in one terminal
 *   npm run bench        # in another; BENCH_PAYMENTS=50 by default
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Stripe from 'stripe';
import { loadConfig } from '../platform/config';

const COUNT = Number(process.env.BENCH_PAYMENTS ?? 50);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = JSON.parse(fs.readFileSync(path.join(config.dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
  const merchantKey = config.auth.merchantKey ?? secrets.merchantKey;
  const api = `http://127.0.0.1:${config.port}`;
  const sandbox = new Stripe('sk_test_durapay_sandbox', { host: '127.0.0.1', port: config.stripe.sandboxPort, protocol: 'http', telemetry: false });

  const engine: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    baseline.push(await timed(async () => {
      const intent = await sandbox.paymentIntents.create({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, return_url: 'http://127.0.0.1/return' });
      if (intent.status !== 'succeeded') throw new Error(`baseline payment ${intent.status}`);
    }));
    engine.push(await timed(async () => {
      const response = await fetch(`${api}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${merchantKey}`, 'idempotency-key': `bench-${randomUUID()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa' }),
      });
      const body = (await response.json()) as { status?: string };
      if (response.status !== 201 || body.status !== 'succeeded') throw new Error(`engine payment ${response.status} ${JSON.stringify(body)}`);
    }));
  }
  const engineMedian = median(engine);
  const baselineMedian = median(baseline);
  console.log(`payments: ${COUNT}`);
  console.log(`engine   POST /v1/payments → succeeded, median ${engineMedian.toFixed(1)} ms`);
  console.log(`baseline sandbox PaymentIntent create+confirm, median ${baselineMedian.toFixed(1)} ms`);
  console.log(`ratio    ${(engineMedian / baselineMedian).toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
