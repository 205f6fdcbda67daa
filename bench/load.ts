/** Load shapes and their figures. Every figure is printed next to a same-run baseline: ratios hold on any machine. */

export interface RunFigures {
  count: number;
  errors: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  firstError?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function figures(latencies: number[], errors: string[], seconds: number): RunFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length, errors: errors.length, seconds, rate: latencies.length / seconds,
    p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, firstError: errors[0],
  };
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** `count` operations by `concurrency` callers, each starting its next as soon as its last answered. */
export async function closedLoop(concurrency: number, count: number, operation: (index: number) => Promise<void>): Promise<RunFigures> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = now();
  const caller = async () => {
    while (next < count) {
      const index = next++;
      const begun = now();
      try {
        await operation(index);
        latencies.push(now() - begun);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return figures(latencies, errors, (now() - started) / 1000);
}

/** `perSecond` operations started on schedule for `seconds`, whatever the answers' speed (an open loop, like webhooks). */
export async function openLoop(perSecond: number, seconds: number, operation: (index: number) => Promise<void>): Promise<RunFigures> {
  const latencies: number[] = [];
  const errors: string[] = [];
  const total = Math.round(perSecond * seconds);
  const inFlight: Promise<void>[] = [];
  const started = now();
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / perSecond;
    const wait = due - now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const begun = now();
    inFlight.push(
      operation(index).then(
        () => void latencies.push(now() - begun),
        (error: unknown) => void errors.push(error instanceof Error ? error.message : String(error)),
      ),
    );
  }
  await Promise.all(inFlight);
  return figures(latencies, errors, (now() - started) / 1000);
}

export const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);
export const ratio = (value: number) => `${value.toFixed(2)}×`;
