/**
 * `npm run bench:timeline`: where a card payment's time goes. Makes BENCH_PAYMENTS (default 20) payments one at a
 * time and reads each workflow's history: the median time of each step from the workflow's start, and the API's own
 * share (its answer time minus the time until the workflow accepted... and answered the update).
 */
import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { connectTemporal } from '../platform/temporal';
import { ms, percentile } from './load';
import { startOrAttach } from './target';

const COUNT = Number(process.env.BENCH_PAYMENTS ?? 20);
const EventType = temporal.api.enums.v1.EventType;

function millis(time: { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined): number {
  if (!time) return NaN;
  const seconds = typeof time.seconds === 'number' ? time.seconds : (time.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (time.nanos ?? 0) / 1e6;
}

async function main(): Promise<void> {
  const target = await startOrAttach((line) => console.log(`[timeline] ${line}`));
  const { client, connection } = await connectTemporal(target.temporalAddress, 'default');
  const steps = new Map<string, number[]>();
  const add = (name: string, value: number) => steps.set(name, [...(steps.get(name) ?? []), value]);
  try {
    for (let i = 0; i < COUNT + 3; i += 1) {
      const started = performance.now();
      // One customer per payment: the risk rules hold a customer's eleventh payment in an hour for review.
      const response = await fetch(`${target.apiUrl}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.merchantKey}`, 'idempotency-key': `timeline-${randomUUID()}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', customer_id: `cus_timeline_${i}_${randomUUID().slice(0, 8)}` }),
      });
      const answered = performance.now() - started;
      const payment = (await response.json()) as { id: string; status: string };
      if (i < 3) continue; // warm-up
      const handle = client.workflow.getHandle(payment.id);
      await handle.result().catch(() => undefined);
      const history = await handle.fetchHistory();
      const events = history.events ?? [];
      const t0 = millis(events[0].eventTime);
      const activityNames = new Map<number, string>();
      let counts = { tasks: 0, activities: 0, local: 0 };
      for (const event of events) {
        const at = millis(event.eventTime) - t0;
        const id = Number(event.eventId);
        switch (event.eventType) {
          case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: counts = { ...counts, tasks: counts.tasks + 1 }; add(`workflow task ${counts.tasks} completed`, at); break;
          case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
            const name = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?';
            activityNames.set(id, name);
            counts = { ...counts, activities: counts.activities + 1 };
            add(`${counts.activities}. ${name} scheduled`, at);
            break;
          }
          case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
            const name = activityNames.get(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? '?';
            add(`${counts.activities}. ${name} completed`, at);
            break;
          }
          case EventType.EVENT_TYPE_MARKER_RECORDED: counts = { ...counts, local: counts.local + 1 }; add(`marker ${counts.local} (local activity or patch)`, at); break;
          case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: add('update completed (the API can answer)', at); break;
          case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: add('workflow completed', at); break;
          default: break;
        }
      }
      add('events in history', events.length);
      add('API answer (client-side)', answered);
    }
    const rows = [...steps.entries()].map(([name, values]) => [name, percentile([...values].sort((a, b) => a - b), 50)] as const);
    rows.sort((a, b) => (a[0] === 'events in history' ? 1 : b[0] === 'events in history' ? -1 : a[1] - b[1]));
    console.log(`\nmedian over ${COUNT} card payments, c=1, ms from the workflow's start:`);
    for (const [name, value] of rows) console.log(`  ${name.padEnd(48)} ${name === 'events in history' ? value : ms(value)}`);
  } finally {
    await connection.close();
    await target.stop();
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
