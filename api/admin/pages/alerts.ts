import type Router from '@koa/router';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, utc } from '../html';
import { actionForm, type PageFrame } from '../layout';
import { summarizeData } from './shared';

type Alert = Record<string, any>;

function alertRow(frame: PageFrame, alert: Alert): Html {
  return html`<tr>
    <td data-label="Raised">${utc(alert.created_at)}</td>
    <td data-label="Severity">${badge(alert.severity)}</td>
    <td data-label="Kind"><code>${alert.kind}</code></td>
    <td data-label="What"><div>${alert.message}<div class="details">${summarizeData(alert.data)}</div></div></td>
    <td data-label="Handled">${alert.acknowledged_at
      ? html`<span>${utc(alert.acknowledged_at)} by <code>${alert.acknowledged_by}</code></span>`
      : actionForm(frame, `/admin/alerts/${encodeURIComponent(alert.id)}/ack`, 'Acknowledge', html`<span class="visually-hidden">${alert.kind}: ${alert.message}</span>`)}</td>
  </tr>`;
}

const alertTable = (frame: PageFrame, alerts: Alert[], caption: string): Html =>
  html`<div class="table-wrap"><table class="stack">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Raised</th><th scope="col">Severity</th><th scope="col">Kind</th><th scope="col">What happened</th><th scope="col">Acknowledged</th></tr></thead>
    <tbody>${alerts.map((a) => alertRow(frame, a))}</tbody>
  </table></div>`;

/** Operator alerts (sync repairs, webhook failures): open ones first, each with Acknowledge. */
export function addAlertPages(router: Router, kit: ConsoleKit): void {
  router.get('/alerts', async (ctx) => {
    const [open, handled] = await Promise.all([
      kit.api(ctx).read<{ data: Alert[] }>('/v1/admin/alerts', { acknowledged: 'false', limit: '100' }),
      kit.api(ctx).read<{ data: Alert[] }>('/v1/admin/alerts', { acknowledged: 'true', limit: '25' }),
    ]);
    const frame = ctx.state.frame!;
    kit.render(ctx, 'Alerts', html`
      <section aria-labelledby="open-heading"><h2 id="open-heading">Open (${open.data.length})</h2>
        ${open.data.length ? alertTable(frame, open.data, 'Alerts nobody has acknowledged, newest first') : html`<p class="empty">No open alerts.</p>`}</section>
      <section aria-labelledby="handled-heading"><h2 id="handled-heading">Acknowledged</h2>
        ${handled.data.length ? alertTable(frame, handled.data, 'Recently acknowledged') : html`<p class="empty">None yet.</p>`}</section>`);
  });

  router.post('/alerts/:id/ack', (ctx) =>
    kit.act(ctx, '/admin/alerts', (_form, idempotencyKey) => kit.api(ctx).request('POST', `/v1/admin/alerts/${encodeURIComponent(ctx.params.id)}/ack`, { body: {}, idempotencyKey }),
      (alert) => `Alert acknowledged: ${alert.message}`),
  );
}
