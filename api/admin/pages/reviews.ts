import type Router from '@koa/router';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, money, utc } from '../html';
import { decisionForms, type PageFrame } from '../layout';

export const BLOCK = { action: 'block', button: 'Block', label: 'Reason for blocking (required)' };

type Review = Record<string, any>;

const findings = (review: Review): Html =>
  html`<ul class="kv">${(review.findings as Array<Record<string, any>>).map((f) => html`<li><span>${String(f.rule).replace(/_/g, ' ')}</span> → ${f.outcome}${Object.keys(f.figures ?? {}).length ? html` <small>${Object.entries(f.figures).map(([k, v]) => `${k}: ${String(v)}`).join(', ')}</small>` : ''}</li>`)}</ul>`;

function openCard(frame: PageFrame, review: Review): Html {
  const base = `/admin/reviews/${encodeURIComponent(review.payment_id)}`;
  const headingId = `review-${review.id}`;
  return html`<article class="card" aria-labelledby="${headingId}">
    <h3 id="${headingId}">${money(review.payment.amount, review.payment.currency || 'eur')} payment <a href="/admin/payments/${encodeURIComponent(review.payment_id)}"><code>${review.payment_id}</code></a></h3>
    <dl>
      <dt>Customer</dt><dd>${review.payment.customer_id ?? '—'}</dd>
      <dt>Provider</dt><dd>${review.payment.provider} · ${badge(review.payment.status)}</dd>
      <dt>Why held</dt><dd>${findings(review)}</dd>
      <dt>Held since</dt><dd>${utc(review.opened_at)}${review.expires_at ? html` · canceled if undecided by ${utc(review.expires_at)}` : ''}</dd>
    </dl>
    ${decisionForms(frame, base, review.id, BLOCK)}
  </article>`;
}

/** Payments held by the risk rules: approve or block (a reason is required to block); decided ones with who and why. */
export function addReviewPages(router: Router, kit: ConsoleKit): void {
  router.get('/reviews', async (ctx) => {
    const [open, recent] = await Promise.all([
      kit.api(ctx).read<{ data: Review[]; has_more: boolean }>('/v1/reviews', { status: 'open', limit: '50' }),
      kit.api(ctx).read<{ data: Review[] }>('/v1/reviews', { limit: '50' }),
    ]);
    const decided = recent.data.filter((r) => r.status !== 'open');
    kit.render(ctx, 'Risk reviews', html`
      <section aria-labelledby="open-reviews"><h2 id="open-reviews">Waiting for a decision (${open.data.length}${open.has_more ? '+' : ''})</h2>
        ${open.data.length ? open.data.map((r) => openCard(ctx.state.frame!, r)) : html`<p class="empty">No payment is held for review.</p>`}</section>
      <section aria-labelledby="decided-reviews"><h2 id="decided-reviews">Decided</h2>
        ${decided.length ? html`<div class="table-wrap"><table>
          <caption>Recent decisions, newest first</caption>
          <thead><tr><th scope="col">Payment</th><th scope="col" class="num">Amount</th><th scope="col">Outcome</th><th scope="col">Decided by</th><th scope="col">Why</th><th scope="col">Decided</th></tr></thead>
          <tbody>${decided.map((r) => html`<tr><td><a href="/admin/payments/${encodeURIComponent(r.payment_id)}"><code>${r.payment_id}</code></a></td><td class="num">${money(r.payment.amount, r.payment.currency || 'eur')}</td><td>${badge(r.status)}</td><td>${r.decided_by ? html`<code>${r.decided_by}</code>` : '—'}</td><td>${r.decision_reason ?? '—'}</td><td>${utc(r.decided_at)}</td></tr>`)}</tbody>
        </table></div>` : html`<p class="empty">No decisions yet.</p>`}</section>`);
  });

  for (const decision of ['approve', 'block'] as const) {
    router.post(`/reviews/:paymentId/${decision}`, (ctx) =>
      kit.act(ctx, '/admin/reviews', (form, idempotencyKey) =>
        kit.api(ctx).request('POST', `/v1/payments/${encodeURIComponent(ctx.params.paymentId)}/review`, { body: { decision, reason: form.reason?.trim() || undefined }, idempotencyKey }),
      (payment) => `Payment ${payment.id} ${decision === 'approve' ? 'approved' : 'blocked'} (now ${String(payment.status).replace(/_/g, ' ')}).`),
    );
  }
}
