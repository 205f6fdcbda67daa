import type Router from '@koa/router';
import type { Payment } from '../../../domain/payment';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, money, utc } from '../html';
import { decisionForms, type PageFrame } from '../layout';

type Refund = Record<string, any>;

function pendingCard(frame: PageFrame, refund: Refund, payment: Payment | null): Html {
  const base = `/admin/refunds/${encodeURIComponent(refund.id)}`;
  const headingId = `refund-${refund.id}`;
  return html`<article class="card" aria-labelledby="${headingId}">
    <h3 id="${headingId}">${money(refund.amount, refund.currency)} refund <code>${refund.id}</code></h3>
    <dl>
      <dt>Payment</dt><dd><a href="/admin/payments/${encodeURIComponent(refund.payment_id)}"><code>${refund.payment_id}</code></a>
        ${payment ? html` · ${money(payment.amount, payment.currency)} · ${badge(payment.status)} · refunded so far ${money(payment.amount_refunded, payment.currency)}` : ''}</dd>
      <dt>Customer</dt><dd>${payment?.customer_id ?? '—'}</dd>
      <dt>Paid</dt><dd>${payment ? utc(payment.created_at) : '—'} ${payment ? html`by ${payment.payment_method_type.replace(/_/g, ' ')} (${payment.provider})` : ''}</dd>
      <dt>Reason</dt><dd>${String(refund.reason).replace(/_/g, ' ')}${refund.details ? html` — “${refund.details}”` : ''}</dd>
      <dt>Requested</dt><dd>${utc(refund.requested_at)}${refund.appeal_count ? ' · appealed' : ''}</dd>
    </dl>
    ${decisionForms(frame, base, refund.id, { action: 'deny', button: 'Deny', label: 'Reason for denying (required, the customer is told)' })}
  </article>`;
}

function decidedTable(refunds: Refund[]): Html {
  if (refunds.length === 0) return html`<p class="empty">No decided refunds yet.</p>`;
  return html`<div class="table-wrap"><table class="stack">
    <caption>Recently decided, newest request first</caption>
    <thead><tr><th scope="col">Refund</th><th scope="col">Payment</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Decided by</th><th scope="col">Why</th><th scope="col">Decided</th></tr></thead>
    <tbody>${refunds.map((r) => html`<tr>
      <td data-label="Refund"><code>${r.id}</code></td>
      <td data-label="Payment"><a href="/admin/payments/${encodeURIComponent(r.payment_id)}"><code>${r.payment_id}</code></a></td>
      <td data-label="Amount" class="num">${money(r.amount, r.currency)}</td>
      <td data-label="Status">${badge(r.status)}</td>
      <td data-label="Decided by"><code>${r.decided_by}</code></td>
      <td data-label="Why">${r.decision_reason ?? '—'}</td>
      <td data-label="Decided">${utc(r.decided_at)}</td>
    </tr>`)}</tbody>
  </table></div>`;
}

/** Pending refunds with their payment, Approve and Deny (a reason is required to deny), and who decided the others. */
export function addRefundPages(router: Router, kit: ConsoleKit): void {
  router.get('/refunds', async (ctx) => {
    const [pending, recent] = await Promise.all([
      kit.api(ctx).read<{ data: Refund[]; has_more: boolean }>('/v1/refunds', { status: 'pending_review', limit: '50' }),
      kit.api(ctx).read<{ data: Refund[] }>('/v1/refunds', { limit: '100' }),
    ]);
    const paymentIds = [...new Set(pending.data.map((r) => r.payment_id as string))];
    const payments = new Map(await Promise.all(paymentIds.map(async (id) => {
      const answer = await kit.api(ctx).request<Payment>('GET', `/v1/payments/${encodeURIComponent(id)}`);
      return [id, answer.status === 200 ? answer.body : null] as const;
    })));
    const frame = ctx.state.frame!;
    kit.render(ctx, 'Refund queue', html`
      <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">Waiting for a decision (${pending.data.length}${pending.has_more ? '+' : ''})</h2>
        ${pending.data.length ? pending.data.map((r) => pendingCard(frame, r, payments.get(r.payment_id) ?? null)) : html`<p class="empty">Nothing waits for review.</p>`}
      </section>
      <section aria-labelledby="decided-heading">
        <h2 id="decided-heading">Decided</h2>
        ${decidedTable(recent.data.filter((r) => r.decided_by))}
      </section>`);
  });

  for (const decision of ['approve', 'deny'] as const) {
    router.post(`/refunds/:id/${decision}`, (ctx) =>
      kit.act(ctx, '/admin/refunds', (form, idempotencyKey) => {
        const reason = form.reason?.trim();
        return kit.api(ctx).request('POST', `/v1/refunds/${encodeURIComponent(ctx.params.id)}/${decision}`, {
          // An empty reason goes to the API as given, so the API's own rule (deny needs one) answers.
          body: decision === 'deny' ? { reason: reason ?? '' } : { reason: reason || undefined }, idempotencyKey,
        });
      }, (refund) => `Refund ${refund.id} ${decision === 'approve' ? `approved (now ${String(refund.status).replace(/_/g, ' ')})` : 'denied'}.`),
    );
  }
}
