import type Router from '@koa/router';
import type { Context } from 'koa';
import { currencyExponent, majorUnits } from '../../../domain/money';
import { ApiCallError } from '../api-client';
import type { RevenueRow } from '../../report-reads';
import type { ConsoleKit } from '../console';
import { html, type Html, money, queryString } from '../html';
import { field, select } from '../layout';


type RevenueSearch = { from: string; to: string; interval: string; group_by: string };

/** Distinct, colour-blind-friendly (Okabe–Ito), on white. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const DAY_MS = 86_400_000;

function searchOf(ctx: Context): RevenueSearch {
  const text = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim() : '');
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  return {
    from: text('from') || new Date(today.getTime() - 29 * DAY_MS).toISOString().slice(0, 10),
    to: text('to') || today.toISOString().slice(0, 10),
    interval: ['day', 'week', 'month'].includes(text('interval')) ? text('interval') : 'day',
    group_by: ['method', 'provider', 'currency', 'none'].includes(text('group_by')) ? text('group_by') : 'method',
  };
}

/** The API's window is [from, to); people pick whole days, the last one included. */
function apiQuery(search: RevenueSearch): Record<string, string | undefined> {
  const to = /^\d{4}-\d{2}-\d{2}$/.test(search.to) ? new Date(Date.parse(`${search.to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10) : search.to;
  return { from: search.from, to, interval: search.interval, group_by: search.group_by === 'none' ? undefined : search.group_by };
}

/** Every period of the window, quiet ones too, so the chart's axis shows the whole span (UTC; weeks start on Monday). */
export function periodStarts(from: string, toExclusive: string, interval: string): string[] {
  const start = new Date(`${from.slice(0, 10)}T00:00:00Z`);
  if (interval === 'week') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (interval === 'month') start.setUTCDate(1);
  const end = Date.parse(toExclusive.length === 10 ? `${toExclusive}T00:00:00Z` : toExclusive);
  const periods: string[] = [];
  for (const cursor = start; cursor.getTime() < end && periods.length < 400; ) {
    periods.push(cursor.toISOString().replace('.000Z', 'Z'));
    if (interval === 'month') cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    else cursor.setUTCDate(cursor.getUTCDate() + (interval === 'week' ? 7 : 1));
  }
  return periods;
}

/** The axis top: 1, 2, 5 or 10 times a power of ten in major units, so its fifths read as round numbers. */
function niceCeiling(minor: number, exponent: number): number {
  const major = minor / 10 ** exponent;
  const power = 10 ** Math.floor(Math.log10(major));
  const factor = [1, 2, 5, 10].find((f) => f * power >= major) ?? 10;
  return Math.max(Math.round(factor * power * 10 ** exponent), 1);
}

/** Net revenue per period as stacked bars, one colour per group; the table below holds the same numbers. */
function chart(rows: RevenueRow[], currency: string, groups: string[], window: string[]): Html {
  const periods = [...new Set([...window, ...rows.map((r) => r.period_start)])].sort();
  const width = 960;
  const height = 300;
  const left = 70;
  const bottom = 40;
  const plotHeight = height - bottom - 10;
  const totals = periods.map((p) => rows.filter((r) => r.period_start === p).reduce((sum, r) => sum + Math.max(r.net, 0), 0));
  const max = niceCeiling(Math.max(...totals, 1), currencyExponent(currency));
  const step = (width - left - 10) / Math.max(periods.length, 1);
  const barWidth = Math.max(Math.min(step * 0.7, 60), 2);
  const y = (amount: number) => 10 + plotHeight - (amount / max) * plotHeight;
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => Math.round(max * f));
  const labelEvery = Math.ceil(periods.length / 10);
  const bars = periods.flatMap((period, index) => {
    let base = 0;
    return groups.map((group, g) => {
      const row = rows.find((r) => r.period_start === period && (r.group ?? 'all') === group);
      const value = Math.max(row?.net ?? 0, 0);
      if (value === 0) return html``;
      const top = y(base + value);
      const rect = html`<rect x="${(left + index * step + (step - barWidth) / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - top).toFixed(1)}" fill="${PALETTE[g % PALETTE.length]}"><title>${period.slice(0, 10)} · ${group}: ${money(value, currency)}</title></rect>`;
      base += value;
      return rect;
    });
  });
  const summary = `Net revenue in ${currency.toUpperCase()} per period from ${periods[0]?.slice(0, 10)} to ${periods.at(-1)?.slice(0, 10)}; highest ${money(Math.max(...totals), currency)}. The table below lists every value.`;
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${summary}" preserveAspectRatio="xMidYMid meet">
      ${ticks.map((t) => html`<g><line x1="${left}" x2="${width - 10}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d0d7de"/><text x="${left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="14" fill="#57606a">${majorUnits(t, currency)}</text></g>`)}
      ${bars}
      ${periods.map((p, index) => (index % labelEvery === 0 ? html`<text x="${(left + index * step + step / 2).toFixed(1)}" y="${height - 20}" text-anchor="middle" font-size="14" fill="#57606a">${p.slice(5, 10)}</text>` : ''))}
    </svg>
    <figcaption>Net revenue, ${currency.toUpperCase()} <ul class="legend">${groups.map((g, i) => html`<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${PALETTE[i % PALETTE.length]}"/></svg> ${g.replace(/_/g, ' ')}</li>`)}</ul></figcaption>
  </figure>`;
}

function table(rows: RevenueRow[], currency: string): Html {
  return html`<div class="table-wrap"><table class="stack">
    <caption>Revenue in ${currency.toUpperCase()} per period and group</caption>
    <thead><tr><th scope="col">Period</th><th scope="col">Group</th><th scope="col" class="num">Gross</th><th scope="col" class="num">Refunded</th><th scope="col" class="num">Disputed</th><th scope="col" class="num">Net</th><th scope="col" class="num">Captures</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td data-label="Period">${r.period_start.slice(0, 10)}</td><td data-label="Group">${(r.group ?? 'all').replace(/_/g, ' ')}</td><td data-label="Gross" class="num">${money(r.gross, currency)}</td><td data-label="Refunded" class="num">${money(r.refunded, currency)}</td><td data-label="Disputed" class="num">${money(r.disputed, currency)}</td><td data-label="Net" class="num">${money(r.net, currency)}</td><td data-label="Captures" class="num">${r.count}</td></tr>`)}</tbody>
  </table></div>`;
}

/** Revenue from the ledger (GET /v1/reports/revenue): a chart per currency by period and group, and its CSV. */
export function addRevenuePages(router: Router, kit: ConsoleKit): void {
  router.get('/revenue', async (ctx) => {
    const search = searchOf(ctx);
    let report: Html;
    try {
      const query = apiQuery(search);
      const { data } = await kit.api(ctx).read<{ data: RevenueRow[] }>('/v1/reports/revenue', query);
      const window = periodStarts(query.from!, query.to!, search.interval);
      const currencies = [...new Set(data.map((r) => r.currency))].sort();
      report = data.length === 0
        ? html`<p class="empty">No revenue in this window.</p>`
        : html`${currencies.map((currency) => {
          const rows = data.filter((r) => r.currency === currency);
          const groups = [...new Set(rows.map((r) => r.group ?? 'all'))].sort();
          return html`<section aria-label="${currency.toUpperCase()}">${chart(rows, currency, groups, window)}${table(rows, currency)}</section>`;
        })}`;
    } catch (error) {
      if (!(error instanceof ApiCallError)) throw error;
      report = html`<p class="flash flash-error" role="alert">${error.message}</p>`;
    }
    kit.render(ctx, 'Revenue', html`
      <form method="get" action="/admin/revenue" class="search inline" aria-label="Revenue report">
        ${field('revenue-from', 'From (UTC)', html`<input id="revenue-from" name="from" type="date" value="${search.from}" required>`)}
        ${field('revenue-to', 'To, included (UTC)', html`<input id="revenue-to" name="to" type="date" value="${search.to}" required>`)}
        ${field('revenue-interval', 'Period', select('revenue-interval', 'interval', [['day', 'day'], ['week', 'week'], ['month', 'month']], search.interval))}
        ${field('revenue-group', 'Split by', select('revenue-group', 'group_by', [['method', 'method'], ['provider', 'provider'], ['currency', 'currency'], ['none', 'nothing']], search.group_by))}
        <button type="submit">Show</button>
      </form>
      <p><a href="/admin/revenue.csv${queryString(search)}" download hx-boost="false">Download CSV</a></p>
      ${report}`);
  });

  // The API's own CSV, passed through: same columns, same escaping of formula-like text.
  router.get('/revenue.csv', async (ctx) => {
    const file = await kit.api(ctx).download('/v1/reports/revenue.csv', apiQuery(searchOf(ctx)));
    if (file.status !== 200) throw new ApiCallError(file.status, JSON.parse(file.payload));
    ctx.type = file.type;
    if (file.disposition) ctx.set('Content-Disposition', file.disposition);
    ctx.body = file.payload;
  });
}
