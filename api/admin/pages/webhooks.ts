import type Router from '@koa/router';
import type { ConsoleKit } from '../console';
import { badge, html, queryString, utc } from '../html';
import { actionForm } from '../layout';

type Endpoint = Record<string, any>;
type Delivery = Record<string, any>;

/** The merchant's webhook endpoints and what was delivered to them; disable, enable, redeliver. */
export function addWebhookPages(router: Router, kit: ConsoleKit): void {
  router.get('/webhooks', async (ctx) => {
    const startingAfter = typeof ctx.query.starting_after === 'string' ? ctx.query.starting_after : undefined;
    const page = await kit.api(ctx).read<{ data: Endpoint[]; has_more: boolean }>('/v1/webhook-endpoints', { limit: '50', starting_after: startingAfter });
    const frame = ctx.state.frame!;
    const last = page.data.at(-1);
    kit.render(ctx, 'Webhook endpoints', html`
      ${page.data.length ? html`<div class="table-wrap"><table>
        <caption>Endpoints that receive Durapay's events, newest first</caption>
        <thead><tr><th scope="col">Endpoint</th><th scope="col">URL</th><th scope="col">Events</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Change</th></tr></thead>
        <tbody>${page.data.map((e) => html`<tr>
          <td><a href="/admin/webhooks/${encodeURIComponent(e.id)}"><code>${e.id}</code></a>${e.description ? html`<div class="details">${e.description}</div>` : ''}</td>
          <td><code>${e.url}</code></td>
          <td>${(e.enabled_events as string[]).join(', ')}</td>
          <td>${badge(e.status)}${e.disabled_reason ? html` <small>(${e.disabled_reason})</small>` : ''}</td>
          <td>${utc(e.created_at)}</td>
          <td>${actionForm(frame, `/admin/webhooks/${encodeURIComponent(e.id)}/${e.status === 'enabled' ? 'disable' : 'enable'}`, e.status === 'enabled' ? 'Disable' : 'Enable',
            html`<span class="visually-hidden">${e.url}</span>`, { danger: e.status === 'enabled' })}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="empty">No webhook endpoints. Merchants add them with <code>POST /v1/webhook-endpoints</code>.</p>`}
      <nav class="pager" aria-label="Pages">
        ${startingAfter ? html`<a href="/admin/webhooks">First page</a>` : ''}
        ${page.has_more && last ? html`<a href="/admin/webhooks${queryString({ starting_after: last.id })}" rel="next">Next page</a>` : ''}
      </nav>`);
  });

  router.get('/webhooks/:id', async (ctx) => {
    const path = `/v1/webhook-endpoints/${encodeURIComponent(ctx.params.id)}`;
    const endpoint = await kit.api(ctx).read<Endpoint>(path);
    const deliveries = await kit.api(ctx).read<{ data: Delivery[] }>(`${path}/deliveries`, { limit: '50' });
    const frame = ctx.state.frame!;
    kit.render(ctx, `Webhook endpoint ${endpoint.id}`, html`
      <section class="summary" aria-label="Endpoint"><dl>
        <dt>URL</dt><dd><code>${endpoint.url}</code></dd>
        <dt>Status</dt><dd>${badge(endpoint.status)}${endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : ''}</dd>
        <dt>Events</dt><dd>${(endpoint.enabled_events as string[]).join(', ')}</dd>
        <dt>Created</dt><dd>${utc(endpoint.created_at)}</dd>
      </dl></section>
      <h2>Deliveries</h2>
      ${deliveries.data.length ? html`<div class="table-wrap"><table>
        <caption>Newest first, with every attempt</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Next retry</th><th scope="col">Send again</th></tr></thead>
        <tbody>${deliveries.data.map((d) => html`<tr>
          <td>${utc(d.created_at)}</td>
          <td><code>${d.event_type}</code><div class="details"><code>${d.event_id}</code></div></td>
          <td>${badge(d.status)}</td>
          <td class="num">${d.attempt_count}</td>
          <td>${d.last_status_code ?? '—'}${d.last_error ? html` <small>${d.last_error}</small>` : ''}</td>
          <td>${utc(d.next_retry_at)}</td>
          <td>${actionForm(frame, `/admin/webhooks/${encodeURIComponent(endpoint.id)}/redeliver`, 'Redeliver', html`<input type="hidden" name="event_id" value="${d.event_id}"><span class="visually-hidden">${d.event_type} ${d.event_id}</span>`)}</td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="empty">Nothing delivered yet.</p>`}`);
  });

  for (const [action, status] of [['disable', 'disabled'], ['enable', 'enabled']] as const) {
    router.post(`/webhooks/:id/${action}`, (ctx) =>
      kit.act(ctx, '/admin/webhooks', (_form, idempotencyKey) =>
        kit.api(ctx).request('POST', `/v1/webhook-endpoints/${encodeURIComponent(ctx.params.id)}`, { body: { status }, idempotencyKey }),
      (endpoint) => `Endpoint ${endpoint.id} ${status}.`),
    );
  }

  router.post('/webhooks/:id/redeliver', (ctx) =>
    kit.act(ctx, `/admin/webhooks/${encodeURIComponent(ctx.params.id)}`, (form, idempotencyKey) =>
      kit.api(ctx).request('POST', `/v1/events/${encodeURIComponent(form.event_id ?? '')}/redeliver`, { body: { endpoint_id: ctx.params.id }, idempotencyKey }),
    (delivery) => `Event ${delivery.event_id} sent again (delivery ${delivery.id}).`),
  );
}
