/** Reads a process's Prometheus text (/metrics): a histogram's quantile between two scrapes, a gauge's value. */

export type Scrape = Map<string, number>;

export async function scrape(url: string): Promise<Scrape> {
  const text = await fetch(url).then((answer) => answer.text()).catch(() => '');
  const samples: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/**
 * The q-quantile of a histogram's observations made between two scrapes, as the upper bound of the bucket it falls
 * in (what Prometheus' histogram_quantile would interpolate within), in ms. `labels` selects the series.
 */
export function histogramQuantileMs(before: Scrape, after: Scrape, name: string, labels: string, q: number): { ms: number; count: number } {
  const buckets: Array<{ le: number; count: number }> = [];
  for (const [key, value] of after) {
    if (!key.startsWith(`${name}_bucket{`) || !key.includes(labels)) continue;
    const le = key.match(/le="([^"]+)"/)?.[1];
    if (!le) continue;
    buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: value - (before.get(key) ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  const bucket = buckets.find((b) => b.count >= q * total);
  return { ms: bucket ? bucket.le * 1000 : NaN, count: total };
}

export const gauge = (samples: Scrape, name: string) => samples.get(name) ?? NaN;
