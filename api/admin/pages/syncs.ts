import type Router from '@koa/router';
import { PROVIDER_CAPABILITIES } from '../../../providers/capabilities';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, utc } from '../html';
import { actionForm, field, select } from '../layout';

type SyncRun = Record<string, any>;

const COUNTS = ['seen', 'imported', 'repaired', 'unchanged', 'errors'] as const;

function runsTable(runs: SyncRun[], kit: ConsoleKit, started: string | undefined): Html {
  // A run just started is listed once its first activity records it; until then, and while any run is going, the table
  // refreshes itself (htmx) so the counts appear without reloading.
  const running = runs.some((run) => run.status === 'running') || (started !== undefined && !runs.some((run) => run.workflow_id === started));
  const self = `/admin/syncs${started ? `?started=${encodeURIComponent(started)}` : ''}`;
  const poll = running ? html`hx-get="${self}" hx-trigger="every 2s" hx-select="#runs" hx-swap="outerHTML"` : '';
  return html`<section id="runs" aria-labelledby="runs-heading" ${poll} aria-live="polite">
    <h2 id="runs-heading">Recent runs</h2>
    ${runs.length ? html`<div class="table-wrap"><table>
      <caption>Newest first${running ? ' (refreshing while a run is going)' : ''}</caption>
      <thead><tr><th scope="col">Started</th><th scope="col">Run</th><th scope="col">Provider</th><th scope="col">Status</th>
        ${COUNTS.map((c) => html`<th scope="col" class="num">${c}</th>`)}<th scope="col">Window</th></tr></thead>
      <tbody>${runs.map((run) => {
        const workflow = kit.links.workflow(run.workflow_id);
        return html`<tr>
          <td>${utc(run.started_at)}</td>
          <td>${workflow ? html`<a href="${workflow.href}" target="_blank" rel="noopener noreferrer"><code>${run.workflow_id}</code></a>` : html`<code>${run.workflow_id}</code>`}</td>
          <td>${run.provider} <small>(${run.trigger})</small></td>
          <td>${badge(run.status)}${run.error ? html` <small>${run.error}</small>` : ''}</td>
          ${COUNTS.map((c) => html`<td class="num">${run.counts?.[c] ?? 0}</td>`)}
          <td>${run.window ? html`${utc(run.window.from)}<br>to ${utc(run.window.to)}` : '—'}</td>
        </tr>`;
      })}</tbody>
    </table></div>` : html`<p class="empty">No sync has run yet.</p>`}
  </section>`;
}

/** Provider sync: start one by hand, watch its counts. */
export function addSyncPages(router: Router, kit: ConsoleKit): void {
  router.get('/syncs', async (ctx) => {
    const [runs, providers] = await Promise.all([
      kit.api(ctx).read<{ data: SyncRun[] }>('/v1/admin/syncs', { limit: '25' }),
      kit.api(ctx).read<{ data: Array<{ name: string; configured: boolean }> }>('/v1/admin/providers'),
    ]);
    const syncable = providers.data.filter((p) => p.configured && PROVIDER_CAPABILITIES[p.name]?.sync !== null).map((p): [string, string] => [p.name, p.name]);
    const start = syncable.length
      ? actionForm(ctx.state.frame!, '/admin/syncs', 'Start sync', html`
          ${field('sync-provider', 'Provider', select('sync-provider', 'provider', syncable, syncable[0][0]))}
          ${field('sync-from', 'From (optional, UTC)', html`<input id="sync-from" name="from" type="datetime-local" step="1" aria-describedby="sync-window-hint">`)}
          ${field('sync-to', 'To (optional, UTC)', html`<input id="sync-to" name="to" type="datetime-local" step="1">`)}
          <small id="sync-window-hint">Without a window the run starts where the last one ended.</small>`, { className: 'inline' })
      : html`<p class="empty">No provider that can be synced is configured.</p>`;
    kit.render(ctx, 'Sync runs', html`<section aria-labelledby="start-heading"><h2 id="start-heading">Start a sync</h2>${start}</section>${runsTable(runs.data, kit, typeof ctx.query.started === 'string' ? ctx.query.started : undefined)}`);
  });

  router.post('/syncs', (ctx) =>
    kit.act(ctx, (started) => `/admin/syncs${started ? `?started=${encodeURIComponent(started.workflow_id)}` : ''}`, (form, idempotencyKey) => {
      // datetime-local has no zone: the console states UTC, so it is read as UTC.
      const moment = (value?: string) => (value?.trim() ? `${value.trim().length === 16 ? `${value.trim()}:00` : value.trim()}Z` : undefined);
      return kit.api(ctx).request('POST', '/v1/admin/sync', { body: { provider: form.provider, from: moment(form.from), to: moment(form.to) }, idempotencyKey });
    }, (started) => `Sync started: ${started.workflow_id}.`),
  );
}
