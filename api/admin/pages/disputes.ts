import type Router from '@koa/router';
import { DISPUTE_STATUSES, disputeWorkflowId } from '../../../domain/dispute';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, money, queryString, utc } from '../html';
import { field, select } from '../layout';
import { externalLink } from './shared';

type Dispute = Record<string, any>;

const workflowIdOf = (d: Dispute): string => disputeWorkflowId(d.provider, d.provider_dispute_id);

export function disputeDetails(d: Dispute, kit: ConsoleKit): Html {
  const workflow = kit.links.workflow(workflowIdOf(d));
  return html`<dl class="dispute">
    <dt>Dispute</dt><dd><code>${d.id}</code> ${badge(d.status)}</dd>
    <dt>Amount</dt><dd>${money(d.amount, d.currency)}${d.amount_lost ? html` · lost ${money(d.amount_lost, d.currency)}` : ''}</dd>
    <dt>Reason</dt><dd>${String(d.reason).replace(/_/g, ' ')}</dd>
    <dt>Evidence due</dt><dd>${utc(d.evidence_due_by)}</dd>
    <dt>Opened</dt><dd>${utc(d.created_at)}${d.closed_at ? html` · closed ${utc(d.closed_at)}` : ''}</dd>
    <dt>Links</dt><dd>${d.provider_url ? externalLink({ href: d.provider_url, label: `Dispute at ${d.provider}` }) : ''} ${workflow ? externalLink(workflow) : ''}</dd>
  </dl>`;
}

/** Disputes are read-only here: they change through provider events, and are answered at the provider. */
export function addDisputePages(router: Router, kit: ConsoleKit): void {
  router.get('/disputes', async (ctx) => {
    const status = typeof ctx.query.status === 'string' && ctx.query.status ? ctx.query.status : undefined;
    const startingAfter = typeof ctx.query.starting_after === 'string' ? ctx.query.starting_after : undefined;
    const page = await kit.api(ctx).read<{ data: Dispute[]; has_more: boolean }>('/v1/disputes', { status, limit: '25', starting_after: startingAfter });
    const rows = page.data.map((d) => {
      const workflow = kit.links.workflow(workflowIdOf(d));
      return html`<tr>
        <td>${utc(d.created_at)}</td>
        <td><code>${d.id}</code></td>
        <td>${d.payment_id ? html`<a href="/admin/payments/${encodeURIComponent(d.payment_id)}"><code>${d.payment_id}</code></a>` : '—'}</td>
        <td class="num">${money(d.amount, d.currency)}</td>
        <td>${String(d.reason).replace(/_/g, ' ')}</td>
        <td>${badge(d.status)}</td>
        <td>${utc(d.evidence_due_by)}</td>
        <td>${d.provider_url ? externalLink({ href: d.provider_url, label: d.provider }) : d.provider} ${workflow ? externalLink({ ...workflow, label: 'workflow' }) : ''}</td>
      </tr>`;
    });
    const last = page.data.at(-1);
    kit.render(ctx, 'Disputes', html`
      <form method="get" action="/admin/disputes" class="search inline" aria-label="Filter disputes">
        ${field('dispute-status', 'Status', select('dispute-status', 'status', [['', 'Any status'], ...DISPUTE_STATUSES.map((s): [string, string] => [s, s.replace(/_/g, ' ')])], status))}
        <button type="submit">Filter</button>
      </form>
      ${page.data.length ? html`<div class="table-wrap"><table>
        <caption>Disputes, newest first</caption>
        <thead><tr><th scope="col">Opened</th><th scope="col">Dispute</th><th scope="col">Payment</th><th scope="col" class="num">Amount</th><th scope="col">Reason</th><th scope="col">Status</th><th scope="col">Evidence due</th><th scope="col">Links</th></tr></thead>
        <tbody>${rows}</tbody>
      </table></div>` : html`<p class="empty">No disputes.</p>`}
      <nav class="pager" aria-label="Pages">
        ${startingAfter ? html`<a href="/admin/disputes${queryString({ status })}">First page</a>` : ''}
        ${page.has_more && last ? html`<a href="/admin/disputes${queryString({ status, starting_after: last.id })}" rel="next">Next page</a>` : ''}
      </nav>`);
  });
}
