/**
 * `npm run bench`: Durapay next to what Temporal allows on this machine, in one run, as ratios to same-run baselines.
 * Starts its own `npm start` on free loopback ports (or uses the running one), and stops what it started.
 * See docs/performance.md for what each figure means and the goals (P1, P2, P4, scale-out).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import Stripe from 'stripe';
import { connectDatabase } from '../platform/database';
import { connectTemporal } from '../platform/temporal';
import { bareActivities, ensureBenchTable } from './bare-activities';
import { resultUpdate } from './bare-workflows';
import { cpuSecondsByRole, cpuShare } from './cpu';
import { closedLoop, ms, openLoop, ratio, type RunFigures } from './load';
import { gauge, histogramQuantileMs, type Scrape, scrape } from './scrape';
import { startExtraProcess, startOrAttach, type BenchTarget } from './target';

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PAYMENTS = number('BENCH_PAYMENTS', 200);
const WARMUP = number('BENCH_WARMUP', 20);
const PARKED = number('BENCH_PARKED', 1000);
const PARK_CONCURRENCY = number('BENCH_PARK_CONCURRENCY', 32);
const WEBHOOKS_PER_SECOND = number('BENCH_WEBHOOKS_PER_SECOND', 300);
const WEBHOOK_SECONDS = number('BENCH_WEBHOOK_SECONDS', 20);
const SECTIONS = new Set((process.env.BENCH_ONLY ?? 'p1,p2,scale,p4').split(','));
const BARE_QUEUE = `durapay-bench-bare-${randomBytes(3).toString('hex')}`;

const log = (line: string) => console.log(`[bench] ${line}`);
const row = (name: string, c1: RunFigures, c16: RunFigures) =>
  `| ${name} | ${c1.rate.toFixed(1)} | ${ms(c1.p50)} | ${ms(c1.p99)} | ${c16.rate.toFixed(1)} | ${ms(c16.p50)} | ${ms(c16.p99)} |${c1.errors + c16.errors ? ` ${c1.errors + c16.errors} errors: ${c1.firstError ?? c16.firstError}` : ''}`;

async function expectSucceeded(response: Response): Promise<string> {
  const body = (await response.json()) as { id?: string; status?: string };
  if (response.status !== 201 || body.status !== 'succeeded') throw new Error(`POST /v1/payments ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.id!;
}

function createPayment(apiUrl: string, key: string, paymentMethod: string, idempotencyKey = `bench-${randomUUID()}`): Promise<Response> {
  return fetch(`${apiUrl}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'idempotency-key': idempotencyKey, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, currency: 'eur', payment_method: paymentMethod }),
  });
}

async function workerMemoryMb(target: BenchTarget): Promise<{ rss: number; heap: number }> {
  const text = await fetch(target.workerMetricsUrl).then((answer) => answer.text()).catch(() => '');
  const value = (name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ')[1]) / 1024 / 1024 : NaN;
  };
  return { rss: value('durapay_worker_process_resident_memory_bytes'), heap: value('durapay_worker_nodejs_heap_size_used_bytes') };
}

const cpuLines: string[] = [];

/** Each path at c=1 and c=16 after a warm-up at c=4; where the CPU went during c=16. */
async function both(target: BenchTarget, name: string, operation: (index: number) => Promise<void>): Promise<[RunFigures, RunFigures]> {
  await closedLoop(4, WARMUP, operation);
  const c1 = await closedLoop(1, PAYMENTS, operation);
  const before = cpuSecondsByRole(target.pid);
  const c16 = await closedLoop(16, PAYMENTS, operation);
  const share = cpuShare(before, cpuSecondsByRole(target.pid));
  if (share.length) cpuLines.push(`   ${name}: ${share.join(', ')}`);
  return [c1, c16];
}

async function main(): Promise<void> {
  const target = await startOrAttach(log);
  const db = connectDatabase(target.databaseUrl, { poolMax: 20 });
  const temporal = await connectTemporal(target.temporalAddress, 'default');
  const sandboxUrl = new URL(target.sandboxUrl);
  const stripe = new Stripe('sk_test_durapay_sandbox', { host: sandboxUrl.hostname, port: sandboxUrl.port, protocol: 'http', telemetry: false, maxNetworkRetries: 2 });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workerConnection = await NativeConnection.connect({ address: target.temporalAddress });
  const steps = bareActivities(db, stripe);
  const bareWorker = await Worker.create({
    connection: workerConnection, taskQueue: BARE_QUEUE, workflowsPath: require.resolve('./bare-workflows'), activities: steps,
  });
  const bareRunning = bareWorker.run();
  const cleanups: Array<() => Promise<void>> = [];
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  try {
    await ensureBenchTable(db);
    let durapayC16: RunFigures | undefined;
    if (SECTIONS.has('p1')) {
      log(`P1: ${PAYMENTS} payments per row after ${WARMUP} warm-up, pm_card_visa`);
      const plain = await both(target, 'plain', async () => {
        const id = `plain_${randomUUID()}`;
        await steps.insertPayment(id);
        const status = await steps.chargeAtSandbox(id);
        await steps.updatePayment(id, status);
        if (status !== 'succeeded') throw new Error(`plain ${status}`);
      });
      const bare = (workflowType: string) => async () => {
        const id = `bare_${randomUUID()}`;
        const status = await temporal.client.workflow.executeUpdateWithStart(resultUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(workflowType, { workflowId: id, taskQueue: BARE_QUEUE, args: [id], workflowIdConflictPolicy: 'USE_EXISTING' }),
        });
        if (status !== 'succeeded') throw new Error(`${workflowType} ${status}`);
      };
      const bareRegular = await both(target, 'bare regular', bare('barePayment'));
      const bareLocal = await both(target, 'bare local', bare('bareLocalPayment'));
      const workerBefore = await scrape(target.workerMetricsUrl);
      const durapay = await both(target, 'Durapay', async () => void (await expectSucceeded(await createPayment(target.apiUrl, target.merchantKey, 'pm_card_visa'))));
      const workerAfter = await scrape(target.workerMetricsUrl);
      durapayC16 = durapay[1];
      say('');
      say('| path | c=1 rate/s | c=1 p50 | c=1 p99 | c=16 rate/s | c=16 p50 | c=16 p99 |');
      say('|---|---|---|---|---|---|---|');
      say(row('plain service, no Temporal (PG insert → sandbox create+confirm → PG update)', ...plain));
      say(row('bare workflow, three regular activities, update-with-start', ...bareRegular));
      say(row('bare workflow, three local activities, update-with-start', ...bareLocal));
      say(row('Durapay POST /v1/payments → succeeded', ...durapay));
      say('');
      say(`P1 throughput  Durapay / bare-local at c=16: ${ratio(durapay[1].rate / bareLocal[1].rate)} (goal ≥ 0.80×)`);
      say(`P1 latency     Durapay / bare-local p50 at c=1: ${ratio(durapay[0].p50 / bareLocal[0].p50)} (goal ≤ 1.25×)`);
      if (cpuLines.length) say('CPU seconds by process during each c=16 row (2 cores = 2 s per second):');
      for (const line of cpuLines) say(line);
      for (const line of workerBreakdown(workerBefore, workerAfter, WARMUP + 2 * PAYMENTS)) say(line);
      say(`               Durapay / bare-regular at c=16: ${ratio(durapay[1].rate / bareRegular[1].rate)}; bare-local / plain at c=16: ${ratio(bareLocal[1].rate / plain[1].rate)}`);
    }

    if (SECTIONS.has('p2')) await webhookIngest(target, db, stripe, say);

    if (SECTIONS.has('scale')) {
      if (!target.started) say('scale-out: skipped (needs a stack the bench started; stop npm start or set BENCH_START=1)');
      else {
        const api2 = await startExtraProcess(target, 'api', log);
        const worker2 = await startExtraProcess(target, 'worker', log);
        cleanups.push(api2.stop, worker2.stop);
        await scaleOut(target, [target.apiUrl, api2.url!], stripe, db, durapayC16, say);
        await worker2.stop();
        await api2.stop();
        cleanups.length = 0;
      }
    }

    if (SECTIONS.has('p4')) {
      const before = await workerMemoryMb(target);
      log(`P4: parking ${PARKED} payments in requires_action (pm_card_authenticationRequired), c=${PARK_CONCURRENCY}`);
      const checkpoints: string[] = [];
      let parked = 0;
      const parking = await closedLoop(PARK_CONCURRENCY, PARKED, async () => {
        const response = await createPayment(target.apiUrl, target.merchantKey, 'pm_card_authenticationRequired');
        const body = (await response.json()) as { status?: string };
        if (response.status !== 201 || body.status !== 'requires_action') throw new Error(`park ${response.status} ${body.status}`);
        parked += 1;
        if (parked % Math.max(1, Math.floor(PARKED / 5)) === 0) {
          const now = await workerMemoryMb(target);
          checkpoints.push(`${parked}: ${now.rss.toFixed(0)} MB`);
          log(`   ${parked} parked, worker RSS ${now.rss.toFixed(0)} MB, heap ${now.heap.toFixed(0)} MB`);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const after = await workerMemoryMb(target);
      const whileParked = await closedLoop(16, PAYMENTS, async () => void (await expectSucceeded(await createPayment(target.apiUrl, target.merchantKey, 'pm_card_visa'))));
      const end = await workerMemoryMb(target);
      say('');
      say(`P4 parked: ${parking.count} payments parked (${parking.errors} errors${parking.firstError ? `: ${parking.firstError}` : ''}) at ${parking.rate.toFixed(1)}/s`);
      say(`   worker RSS ${before.rss.toFixed(0)} MB before → ${after.rss.toFixed(0)} MB parked → ${end.rss.toFixed(0)} MB after ${PAYMENTS} more (goal ≤ 400 MB at 10,000 parked); +${(((after.rss - before.rss) * 1024) / Math.max(1, parking.count)).toFixed(1)} kB per parked payment`);
      say(`   worker RSS while parking: ${checkpoints.join(', ')}`);
      say(`   V8 heap used ${before.heap.toFixed(0)} → ${after.heap.toFixed(0)} → ${end.heap.toFixed(0)} MB (the rest of RSS: native memory, code, garbage not yet returned)`);
      if (durapayC16) say(`   card payments/s at c=16 while parked: ${whileParked.rate.toFixed(1)}, ${ratio(whileParked.rate / durapayC16.rate)} of the P1 figure (goal: unchanged); p50 ${ms(whileParked.p50)}`);
      else say(`   card payments/s at c=16 while parked: ${whileParked.rate.toFixed(1)}; p50 ${ms(whileParked.p50)}`);
    }
    say('');
    say(`(machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l: number) => l.toFixed(2)).join(' ')})`);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    bareWorker.shutdown();
    await bareRunning.catch(() => undefined);
    await workerConnection.close();
    await temporal.connection.close();
    await db.destroy();
    await target.stop();
  }
}

/** The worker's own view of the Durapay rows: each activity's count and mean, workflow tasks by workflow type. */
function workerBreakdown(before: Scrape, after: Scrape, payments: number): string[] {
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const activities: string[] = [];
  for (const key of after.keys()) {
    if (!key.startsWith('durapay_activity_duration_seconds_count{')) continue;
    const count = delta(key);
    if (count <= 0) continue;
    const sum = delta(key.replace('_count{', '_sum{'));
    const label = (name: string) => key.match(new RegExp(`${name}="([^"]*)"`))?.[1];
    activities.push(`${label('activity')} (${label('kind')}) ×${count} mean ${ms((1000 * sum) / count)}`);
  }
  const tasks: string[] = [];
  for (const key of after.keys()) {
    if (!key.startsWith('temporal_workflow_task_execution_latency') || !key.includes('_count{')) continue;
    const count = delta(key);
    const type = key.match(/workflow_type="([^"]*)"/)?.[1];
    if (count > 0 && type) tasks.push(`${type} ${count}`);
  }
  return [
    `Worker during the Durapay rows (${payments} payments): activities ${activities.join('; ')}`,
    `   workflow tasks by workflow type: ${tasks.join(', ') || 'n/a'}`,
  ];
}

/**
 * P2: signed Stripe events at a fixed rate: two in three about real payments the engine has taken (their workflows
 * finished or finishing: the provider's trailing webhooks), one in three for intents it doesn't know; 1 in 100 forged,
 * 1 in 50 sent twice.
 */
async function webhookIngest(target: BenchTarget, db: ReturnType<typeof connectDatabase>, stripe: Stripe, say: (line: string) => void): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const intents = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const answer = await createPayment(target.apiUrl, target.merchantKey, 'pm_card_visa');
      const body = (await answer.json()) as { provider_payment_id?: string; status?: string };
      if (body.status !== 'succeeded' || !body.provider_payment_id) throw new Error(`P2 payment: ${JSON.stringify(body).slice(0, 200)}`);
      return stripe.paymentIntents.retrieve(body.provider_payment_id);
    }),
  );
  log(`P2: ${WEBHOOKS_PER_SECOND} signed Stripe events/s for ${WEBHOOK_SECONDS} s, after a /healthz baseline at the same rate`);
  const baseline = await openLoop(WEBHOOKS_PER_SECOND, 5, async () => {
    const answer = await fetch(`${target.apiUrl}/healthz`);
    await answer.body?.cancel();
  });
  let forged = 0;
  let forgedRefused = 0;
  const sendEvent = (suffix: string, index: number, secret = target.webhookSecret) => {
    const unknown = {
      id: `pi_bench${run}${suffix}`, object: 'payment_intent', status: 'succeeded', amount: 1000, amount_received: 1000, amount_capturable: 0,
      currency: 'eur', capture_method: 'automatic', client_secret: null, last_payment_error: null, next_action: null, metadata: {}, latest_charge: null,
      created: Math.floor(Date.now() / 1000),
    };
    const intent = index % 3 === 0 ? unknown : intents[index % intents.length];
    const payload = JSON.stringify({ id: `evt_bench${run}_${suffix}`, object: 'event', type: 'payment_intent.succeeded', created: unknown.created, data: { object: intent }, livemode: false, api_version: '2024-06-20' });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    return fetch(`${target.apiUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  };
  // A warm-up at the same rate (connections, JIT), not counted: the goal is about the steady state.
  await openLoop(WEBHOOKS_PER_SECOND, 2, async (index) => void (await sendEvent(`warm${index}`, index)).body?.cancel());
  const metricsBefore = await scrape(`${target.apiUrl}/metrics`);
  const cpuBefore = cpuSecondsByRole(target.pid);
  const ingest = await openLoop(WEBHOOKS_PER_SECOND, WEBHOOK_SECONDS, async (index) => {
    const bad = index % 100 === 99;
    const answer = await sendEvent(`m${index}`, index, bad ? 'whsec_forged' : target.webhookSecret);
    await answer.body?.cancel();
    if (index % 50 === 7) await (await sendEvent(`m${index}`, index)).body?.cancel();
    if (bad) {
      forged += 1;
      if (answer.status === 401) forgedRefused += 1;
    } else if (answer.status !== 200) throw new Error(`webhook ${answer.status}`);
  });
  const cpu = cpuShare(cpuBefore, cpuSecondsByRole(target.pid));
  const metricsAfter = await scrape(`${target.apiUrl}/metrics`);
  const expected = ingest.count + ingest.errors - forged;
  const resent = Math.ceil((ingest.count + ingest.errors - 7) / 50);
  let stored: { events: number; once: number; applied: number; twice: number; lines: number } = { events: 0, once: 0, applied: 0, twice: 0, lines: 0 };
  for (let tries = 0; tries < 60; tries += 1) {
    const [counts] = await db('webhook_events').where('event_id', 'like', `evt_bench${run}_m%`)
      .select(db.raw('count(*)::int as events'), db.raw('count(*) filter (where delivery_count = 1)::int as once'), db.raw('count(*) filter (where delivery_count = 2)::int as twice'),
        db.raw('count(*) filter (where processed_at is not null)::int as applied'),
        // History lines naming the event (once per delivery: a redelivery is recorded as a duplicate, never applied twice).
        db.raw(`(select count(*)::int from payment_events pe where pe.data->>'provider_event_id' like 'evt_bench${run}_m%' and pe.to_status is not null) as lines`));
    stored = counts as typeof stored;
    if (stored.applied >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say('');
  say(`P2 webhooks: ${ingest.count + ingest.errors} sent in ${ingest.seconds.toFixed(1)} s; ack p50 ${ms(ingest.p50)}, p99 ${ms(ingest.p99)}, max ${ms(ingest.max)} (goal p99 ≤ 25 ms); ${ingest.errors - (forged - forgedRefused)} unexpected answers`);
  say(`   baseline GET /healthz at the same rate: p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}; ack p99 / baseline p99: ${ratio(ingest.p99 / baseline.p99)}`);
  // The API's own view: its ack histogram (bucket bounds), the hand-off after the answer, and its event loop.
  const serverAck = histogramQuantileMs(metricsBefore, metricsAfter, 'durapay_webhook_ack_seconds', 'status="200"', 0.99);
  const handoff = histogramQuantileMs(metricsBefore, metricsAfter, 'durapay_webhook_handoff_seconds', 'provider="stripe"', 0.99);
  say(`   API side: ack p99 ≤ ${ms(serverAck.ms)} (${serverAck.count} acks, histogram bucket); hand-off after the answer p99 ≤ ${ms(handoff.ms)}; event-loop lag p99 ${ms(gauge(metricsAfter, 'durapay_api_nodejs_eventloop_lag_p99_seconds') * 1000)}`);
  if (cpu.length) say(`   CPU during ingest: ${cpu.join(', ')}`);
  say(`   forged signatures refused with 401: ${forgedRefused}/${forged}; stored ${stored.events}/${expected} (${stored.once} delivered once, ${stored.twice}/${resent} resent and counted twice), applied ${stored.applied}; status changes caused: ${stored.lines} (goal 0: these events change nothing)`);
}

/** Two APIs and two workers; a quarter of the requests also go to the other API with the same Idempotency-Key. */
async function scaleOut(target: BenchTarget, apis: string[], stripe: Stripe, db: ReturnType<typeof connectDatabase>, single: RunFigures | undefined, say: (line: string) => void): Promise<void> {
  log(`scale-out: two APIs and two workers, ${PAYMENTS} payments at c=16, a quarter sent twice (once to each API)`);
  const ids = new Set<string>();
  let duplicateAnswers = 0;
  await closedLoop(4, WARMUP, async (index) => void (await expectSucceeded(await createPayment(apis[index % 2], target.merchantKey, 'pm_card_visa'))));
  const figures = await closedLoop(16, PAYMENTS, async (index) => {
    const key = `bench-${randomUUID()}`;
    const first = createPayment(apis[index % 2], target.merchantKey, 'pm_card_visa', key);
    if (index % 4 !== 0) return void ids.add(await expectSucceeded(await first));
    // Whichever twin arrives second is told 409 (in progress) or gets the first one's answer replayed.
    const answers = await Promise.all([first, createPayment(apis[(index + 1) % 2], target.merchantKey, 'pm_card_visa', key)]);
    const winner = answers.find((answer) => answer.status === 201) ?? answers[0];
    const other = answers.find((answer) => answer !== winner)!;
    if (other.status === 201 || other.status === 409) duplicateAnswers += 1;
    await other.body?.cancel();
    ids.add(await expectSucceeded(winner));
  });
  const perPayment = new Map<string, number>();
  await stripe.paymentIntents.list({ limit: 100 }).autoPagingEach((intent) => {
    const id = intent.metadata?.durapay_payment_id;
    if (id && ids.has(id)) perPayment.set(id, (perPayment.get(id) ?? 0) + 1);
  });
  const doubled = [...perPayment.values()].filter((count) => count > 1).length;
  const [{ succeeded }] = (await db('payments').whereIn('id', [...ids]).where({ status: 'succeeded' }).count({ succeeded: '*' })) as Array<{ succeeded: string }>;
  say('');
  say(`scale-out: ${figures.count} payments at c=16 over 2 APIs + 2 workers: ${figures.rate.toFixed(1)}/s, p50 ${ms(figures.p50)}, p99 ${ms(figures.p99)}, ${figures.errors} errors${figures.firstError ? ` (${figures.firstError})` : ''}`);
  if (single) say(`   ${ratio(figures.rate / single.rate)} of one API + one worker (P1 Durapay c=16)`);
  say(`   ${ids.size} payments, ${succeeded} succeeded in PostgreSQL, ${perPayment.size} with a PaymentIntent, ${doubled} with more than one (goal 0); duplicate requests answered 201 (replayed) or 409 (in progress): ${duplicateAnswers}/${Math.ceil(PAYMENTS / 4)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
