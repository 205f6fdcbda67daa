import type Router from '@koa/router';
import type { Context } from 'koa';
import { currencyExponent, isKnownCurrency, toMinorUnits } from '../../../domain/money';
import type { Payment } from '../../../domain/payment';
import { actionsFor } from '../../../domain/payment-actions';
import { PAYMENT_METHOD_TYPES } from '../../../domain/payment-method-choice';
import { PAYMENT_STATUSES } from '../../../domain/payment-status';
import { PROVIDER_NAMES } from '../../../providers/capabilities';
import { REFUND_REASONS } from '../../../domain/refund';
import { ApiCallError } from '../api-client';
import type { ConsoleKit } from '../console';
import { badge, html, type Html, money, queryString, raw, utc } from '../html';
import { actionForm, decisionForms, field, type PageFrame, select } from '../layout';
import { disputeDetails } from './disputes';
import { BLOCK } from './reviews';
import { externalLink, summarizeData } from './shared';

const PAGE_SIZE = 25;
const SEARCH_FIELDS = ['id', 'customer_id', 'status', 'provider', 'payment_method_type', 'currency', 'amount_min', 'amount_max', 'from', 'to'] as const;
type Search = Partial<Record<(typeof SEARCH_FIELDS)[number] | 'starting_after', string>>;

const any = (label: string, values: readonly string[]): Array<[string, string]> => [['', label], ...values.map((v): [string, string] => [v, v.replace(/_/g, ' ')])];

/** Decimal amounts as people type them, in the searched currency (two decimals when none is chosen). */
function amountFilter(value: string | undefined, currency: string | undefined): string | undefined {
  if (!value) return undefined;
  const code = currency && isKnownCurrency(currency) ? currency : 'eur';
  return String(toMinorUnits(value, code));
}

function searchForm(search: Search): Html {
  const input = (name: keyof Search, type = 'text', extra: Html | string = '') => html`<input id="search-${name}" name="${name}" type="${type}" value="${search[name] ?? ''}" ${extra}>`;
  return html`<form method="get" action="/admin/payments" class="search" role="search" aria-label="Search payments">
    <div class="grid">
      ${field('search-id', 'Payment id', input('id', 'text', raw('placeholder="pay_…" spellcheck="false"')))}
      ${field('search-customer_id', 'Customer', input('customer_id', 'text', raw('spellcheck="false"')))}
      ${field('search-status', 'Status', select('search-status', 'status', any('Any status', PAYMENT_STATUSES), search.status))}
      ${field('search-provider', 'Provider', select('search-provider', 'provider', any('Any provider', PROVIDER_NAMES), search.provider))}
      ${field('search-payment_method_type', 'Method', select('search-payment_method_type', 'payment_method_type', any('Any method', PAYMENT_METHOD_TYPES), search.payment_method_type))}
      ${field('search-currency', 'Currency', input('currency', 'text', raw('placeholder="eur" maxlength="3" size="4"')))}
      ${field('search-amount_min', 'Amount from', input('amount_min', 'text', raw('inputmode="decimal" placeholder="10.00"')))}
      ${field('search-amount_max', 'Amount to', input('amount_max', 'text', raw('inputmode="decimal" placeholder="250.00"')))}
      ${field('search-from', 'Created from (UTC)', input('from', 'date'))}
      ${field('search-to', 'Created to (UTC)', input('to', 'date'))}
    </div>
    <div class="buttons"><button type="submit">Search</button> <a href="/admin/payments">Clear search</a></div>
  </form>`;
}

export function paymentsTable(payments: Payment[], caption: string): Html {
  if (payments.length === 0) return html`<p class="empty">No payments match.</p>`;
  return html`<div class="table-wrap"><table class="stack">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Created</th><th scope="col">Payment</th><th scope="col">Customer</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Provider</th><th scope="col">Method</th></tr></thead>
    <tbody>
      ${payments.map((p) => html`<tr>
        <td data-label="Created">${utc(p.created_at)}</td>
        <td data-label="Payment"><a href="/admin/payments/${encodeURIComponent(p.id)}"><code>${p.id}</code></a></td>
        <td data-label="Customer">${p.customer_id ?? '—'}</td>
        <td data-label="Amount" class="num">${money(p.amount, p.currency)}</td>
        <td data-label="Status">${badge(p.status)}</td>
        <td data-label="Provider">${p.provider}</td>
        <td data-label="Method">${p.payment_method_type.replace(/_/g, ' ')}</td>
      </tr>`)}
    </tbody>
  </table></div>`;
}

async function listPage(ctx: Context, kit: ConsoleKit): Promise<void> {
  const search: Search = Object.fromEntries(
    [...SEARCH_FIELDS, 'starting_after'].map((name) => [name, typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim() : undefined]),
  );
  let results: Html;
  try {
    if (search.id) {
      const answer = await kit.api(ctx).request<Payment>('GET', `/v1/payments/${encodeURIComponent(search.id)}`);
      results = paymentsTable(answer.status === 200 ? [answer.body] : [], 'The payment with this id');
    } else {
      const currency = search.currency?.toLowerCase();
      const page = await kit.api(ctx).read<{ data: Payment[]; has_more: boolean }>('/v1/payments', {
        customer_id: search.customer_id, status: search.status, provider: search.provider, payment_method_type: search.payment_method_type,
        currency, amount_gte: amountFilter(search.amount_min, currency), amount_lte: amountFilter(search.amount_max, currency),
        created_gte: search.from, created_lte: search.to, limit: String(PAGE_SIZE), starting_after: search.starting_after,
      });
      const last = page.data.at(-1);
      const pager = html`<nav class="pager" aria-label="Pages">
        ${search.starting_after ? html`<a href="/admin/payments${queryString({ ...search, starting_after: undefined })}">First page</a>` : ''}
        ${page.has_more && last ? html`<a href="/admin/payments${queryString({ ...search, starting_after: last.id })}" rel="next">Next page</a>` : ''}
      </nav>`;
      results = html`${paymentsTable(page.data, 'Payments, newest first')}${pager}`;
    }
  } catch (error) {
    const message = error instanceof ApiCallError ? error.message : error instanceof RangeError ? `Amount: ${error.message}` : null;
    if (message === null) throw error;
    results = html`<p class="flash flash-error" role="alert">${message}</p>`;
  }
  kit.render(ctx, 'Payments', html`${searchForm(search)}${results}`);
}

function timeline(events: Array<Record<string, any>>): Html {
  if (events.length === 0) return html`<p class="empty">No history yet.</p>`;
  return html`<div class="table-wrap"><table class="timeline stack">
    <caption>Everything that happened to this payment, oldest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead>
    <tbody>
      ${events.map((e) => html`<tr>
        <td data-label="When">${utc(e.occurred_at)}</td>
        <td data-label="What"><code>${e.type}</code></td>
        <td data-label="Status">${e.from_status || e.to_status ? html`${e.from_status ?? '—'} → ${e.to_status ?? '—'}` : ''}</td>
        <td data-label="Source">${badge(e.source)}</td>
        <td data-label="Actor"><code>${e.actor}</code></td>
        <td data-label="Details" class="details">${summarizeData(e.data)}</td>
      </tr>`)}
    </tbody>
  </table></div>`;
}

function actions(frame: PageFrame, payment: Payment): Html {
  const base = `/admin/payments/${encodeURIComponent(payment.id)}`;
  const decimals = currencyExponent(payment.currency);
  const amountInput = (id: string, name: string, label: string) =>
    field(id, label, html`<input id="${id}" name="${name}" type="text" inputmode="decimal" placeholder="${(0).toFixed(decimals)}" aria-describedby="${id}-hint"><small id="${id}-hint">${payment.currency.toUpperCase()}; leave empty for the whole amount</small>`);
  const forms: Record<string, () => Html> = {
    capture: () => actionForm(frame, `${base}/capture`, 'Capture', amountInput('capture-amount', 'amount', 'Amount to capture')),
    cancel: () => actionForm(frame, `${base}/cancel`, 'Cancel payment', field('cancel-reason', 'Cancellation reason', select('cancel-reason', 'cancellation_reason', [['', 'None given'], ['requested_by_customer', 'requested by customer'], ['duplicate', 'duplicate'], ['fraudulent', 'fraudulent'], ['abandoned', 'abandoned']], undefined)), { danger: true }),
    call_off_retry: () => actionForm(frame, `${base}/cancel`, 'Call off automatic retry', '', { danger: true }),
    retry: () => actionForm(frame, `${base}/retry`, 'Retry payment', field('retry-method', 'Payment method (optional)', html`<input id="retry-method" name="payment_method" type="text" placeholder="pm_… or dpm_…; empty: the same method" spellcheck="false">`)),
    refund: () => actionForm(frame, `${base}/refunds`, 'Request refund', html`
      ${amountInput('refund-amount', 'amount', 'Amount to refund')}
      ${field('refund-reason', 'Reason', select('refund-reason', 'reason', REFUND_REASONS.map((r): [string, string] => [r, r.replace(/_/g, ' ')]), 'requested_by_customer', raw('required')))}
      ${field('refund-details', 'Details (optional)', html`<textarea id="refund-details" name="details" rows="2" maxlength="2000"></textarea>`)}`),
    review: () => decisionForms(frame, `/admin/reviews/${encodeURIComponent(payment.id)}`, 'review', BLOCK),
    mark_received: () => actionForm(frame, `${base}/received`, 'Mark received', html`
      ${amountInput('received-amount', 'amount', 'Amount received')}
      ${field('received-reference', 'Bank reference (optional)', html`<input id="received-reference" name="reference" type="text" maxlength="140">`)}`),
  };
  const available = actionsFor(payment);
  if (available.length === 0) return html`<p class="empty">No action applies to a ${payment.status.replace(/_/g, ' ')} payment.</p>`;
  return html`<div class="actions">${available.map((action) => forms[action]())}</div>`;
}

async function paymentPage(ctx: Context, kit: ConsoleKit): Promise<void> {
  const id = ctx.params.id;
  const path = `/v1/payments/${encodeURIComponent(id)}`;
  const payment = await kit.api(ctx).read<Payment>(path);
  const [events, refunds, disputes] = await Promise.all([
    kit.api(ctx).read<{ data: Array<Record<string, any>> }>(`${path}/events`),
    kit.api(ctx).read<{ data: Array<Record<string, any>> }>(`${path}/refunds`),
    kit.api(ctx).read<{ data: Array<Record<string, any>> }>('/v1/disputes', { payment_id: id, limit: '10' }),
  ]);
  const links = [kit.links.workflow(payment.id), kit.links.paymentWorkflows(payment.id), kit.links.providerPayment(payment.provider, payment.provider_payment_id)];
  const row = (label: string, value: Html | string | null | undefined) => html`<dt>${label}</dt><dd>${value ?? '—'}</dd>`;
  const content = html`
    <section aria-labelledby="summary-heading" class="summary">
      <h2 id="summary-heading" class="visually-hidden">Summary</h2>
      <dl>
        ${row('Payment', html`<code>${payment.id}</code>`)}
        ${row('Status', badge(payment.status))}
        ${row('Amount', money(payment.amount, payment.currency))}
        ${row('Captured', money(payment.amount_captured, payment.currency))}
        ${row('Refunded', money(payment.amount_refunded, payment.currency))}
        ${row('Customer', payment.customer_id)}
        ${row('Provider', html`${payment.provider}${payment.provider_payment_id ? html` · <code>${payment.provider_payment_id}</code>` : ''}`)}
        ${row('Method', html`${payment.payment_method_type.replace(/_/g, ' ')}${payment.payment_method ? html` · <code>${payment.payment_method}</code>` : ''}`)}
        ${row('Created', utc(payment.created_at))}
        ${row('Updated', utc(payment.updated_at))}
        ${payment.failure_code ? row('Failure', html`<code>${payment.failure_code}</code>: ${payment.failure_message}`) : ''}
        ${payment.next_retry_at ? row('Automatic retry due', utc(payment.next_retry_at)) : ''}
        ${payment.description ? row('Description', payment.description) : ''}
      </dl>
      <ul class="links">${links.map((link) => (link ? html`<li>${externalLink(link)}</li>` : ''))}</ul>
    </section>
    <section aria-labelledby="actions-heading"><h2 id="actions-heading">Actions</h2>${actions(ctx.state.frame!, payment)}</section>
    <section aria-labelledby="timeline-heading"><h2 id="timeline-heading">Timeline</h2>${timeline(events.data)}</section>
    <section aria-labelledby="attempts-heading"><h2 id="attempts-heading">Attempts</h2>${attempts(payment)}</section>
    <section aria-labelledby="refunds-heading"><h2 id="refunds-heading">Refunds</h2>${refundList(refunds.data)}</section>
    <section aria-labelledby="dispute-heading"><h2 id="dispute-heading">Dispute</h2>${disputes.data.length ? disputes.data.map((d) => disputeDetails(d, kit)) : html`<p class="empty">No dispute.</p>`}</section>`;
  kit.render(ctx, `Payment ${payment.id}`, content);
}

function attempts(payment: Payment): Html {
  const previous = payment.previous_attempts ?? [];
  return html`<p>Attempt ${payment.attempt_count ?? 1} is the current one.</p>
    ${previous.length ? html`<div class="table-wrap"><table>
      <caption>Earlier attempts that failed</caption>
      <thead><tr><th scope="col">Attempt</th><th scope="col">Method</th><th scope="col">Provider id</th><th scope="col">Failure</th><th scope="col">Failed at</th></tr></thead>
      <tbody>${previous.map((a) => html`<tr><td>${a.attempt}</td><td>${a.payment_method_type.replace(/_/g, ' ')} ${a.payment_method ? html`<code>${a.payment_method}</code>` : ''}</td><td><code>${a.provider_payment_id ?? '—'}</code></td><td><code>${a.failure_code ?? '—'}</code> ${a.failure_message ?? ''}</td><td>${utc(a.failed_at)}</td></tr>`)}</tbody>
    </table></div>` : ''}`;
}

function refundList(refunds: Array<Record<string, any>>): Html {
  if (refunds.length === 0) return html`<p class="empty">No refunds.</p>`;
  return html`<div class="table-wrap"><table>
    <caption>Refunds, newest first</caption>
    <thead><tr><th scope="col">Refund</th><th scope="col" class="num">Amount</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Decided by</th><th scope="col">Why</th><th scope="col">Requested</th></tr></thead>
    <tbody>${refunds.map((r) => html`<tr><td><code>${r.id}</code></td><td class="num">${money(r.amount, r.currency)}</td><td>${badge(r.status)}</td><td>${String(r.reason).replace(/_/g, ' ')}</td><td>${r.decided_by ? html`<code>${r.decided_by}</code>` : '—'}</td><td>${r.decision_reason ?? '—'}</td><td>${utc(r.requested_at)}</td></tr>`)}</tbody>
  </table></div>`;
}

/** The payment commands, each through the API route that performs it. */
export function addPaymentPages(router: Router, kit: ConsoleKit): void {
  router.get('/payments', (ctx) => listPage(ctx, kit));
  router.get('/payments/:id', (ctx) => paymentPage(ctx, kit));

  const command = (action: string, method: 'POST' | 'PUT', apiAction: string, body: (form: Record<string, string>, payment: Payment) => Record<string, unknown>, success: string) =>
    router.post(`/payments/:id/${action}`, async (ctx) => {
      const back = `/admin/payments/${encodeURIComponent(ctx.params.id)}`;
      const payment = await kit.api(ctx).read<Payment>(`/v1/payments/${encodeURIComponent(ctx.params.id)}`);
      await kit.act(ctx, back, async (form, idempotencyKey) => {
        let payload: Record<string, unknown>;
        try {
          payload = body(form, payment);
        } catch (error) {
          return { status: 400, body: { error: { message: error instanceof RangeError ? `Amount: ${error.message}` : String(error) } } };
        }
        return kit.api(ctx).request(method, `/v1/payments/${encodeURIComponent(payment.id)}/${apiAction}`, { body: payload, idempotencyKey });
      }, (result) => `${success} ${result?.status ? `(now ${String(result.status).replace(/_/g, ' ')})` : ''}`.trim());
    });
  const optionalAmount = (form: Record<string, string>, payment: Payment) => (form.amount?.trim() ? toMinorUnits(form.amount, payment.currency) : undefined);
  const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

  command('capture', 'POST', 'capture', (form, p) => ({ amount_to_capture: optionalAmount(form, p) }), 'Captured.');
  command('cancel', 'POST', 'cancel', (form) => ({ cancellation_reason: optional(form.cancellation_reason) }), 'Canceled.');
  command('retry', 'POST', 'retry', (form) => ({ payment_method: optional(form.payment_method) }), 'Retried.');
  command('refunds', 'POST', 'refunds', (form, p) => ({ amount: optionalAmount(form, p), reason: form.reason, details: optional(form.details) }), 'Refund requested; it waits in the refund queue.');
  command('received', 'PUT', 'succeeded', (form, p) => ({ received_amount: optionalAmount(form, p), reference: optional(form.reference) }), 'Marked received.');
}
