import type { Knex } from 'knex';

/**
 * Opening entries: payments recorded before the ledger existed get the entries the recorders would have booked
 * (captures, succeeded and imported refunds, disputes), with the same keys and postings as domain/ledger.ts, dated
 * when they happened as far as the records tell. Only payments without any ledger entry are touched, so running it
 * again (or on a database whose payments were all booked as they happened) books nothing.
 */
const FUNDS = `case when m.provider = 'offline' then case when m.payment_method_type = 'cash' then 'offline:cash' else 'offline:bank' end
  else 'provider:' || m.provider || ':clearing' end`;

/** Books one kind of movement; `select` yields its key, kind, payment_id, refund_id, dispute_id, amount, debit, credit, occurred_at. */
async function book(knex: Knex, select: string): Promise<void> {
  await knex.raw(`
    with movements (key, kind, payment_id, refund_id, dispute_id, amount, debit, credit, occurred_at) as (${select}),
    booked as (
      insert into ledger_transactions (idempotency_key, kind, payment_id, refund_id, dispute_id, customer_id, provider, method, currency, occurred_at)
      select mv.key, mv.kind, m.id, mv.refund_id, mv.dispute_id, m.customer_id, m.provider, m.payment_method_type, m.currency, mv.occurred_at
        from movements mv join payments m on m.id = mv.payment_id
      on conflict (idempotency_key) do nothing
      returning id, idempotency_key)
    insert into ledger_postings (transaction_id, account, direction, amount, currency)
    select b.id, side.account, side.direction, mv.amount, m.currency
      from booked b join movements mv on mv.key = b.idempotency_key join payments m on m.id = mv.payment_id
      cross join lateral (values (mv.debit, 'debit'), (mv.credit, 'credit')) as side(account, direction)`);
}

export async function up(knex: Knex): Promise<void> {
  // Knex runs each migration in a transaction: the list of unbooked payments lives as long as it.
  await knex.raw(`create temporary table unbooked on commit drop as
    select id from payments m where not exists (select 1 from ledger_transactions t where t.payment_id = m.id)`);
  const unbooked = 'm.id in (select id from unbooked)';
  await book(knex, `
    select 'payment:' || m.id || ':capture:' || m.amount_captured, 'capture', m.id, null, null, m.amount_captured, ${FUNDS}, 'revenue', m.updated_at
      from payments m where ${unbooked} and m.amount_captured > 0`);
  await book(knex, `
    select 'refund:' || r.id, case when r.alternative_method->>'type' = 'bank_transfer' then 'refund_payout' else 'refund' end, m.id, r.id, null,
           r.amount, 'refunds', case when r.alternative_method->>'type' = 'bank_transfer' then 'offline:bank' else ${FUNDS} end, coalesce(r.completed_at, r.updated_at)
      from refunds r join payments m on m.id = r.payment_id where ${unbooked} and r.status = 'succeeded'`);
  await book(knex, `
    select 'refund:' || m.provider || ':' || (e.data->>'provider_refund_id'), 'refund', m.id, null, null,
           (e.data->>'amount')::bigint, 'refunds', ${FUNDS}, e.occurred_at
      from payment_events e join payments m on m.id = e.payment_id where ${unbooked} and e.type = 'refund.imported' and (e.data->>'amount')::bigint > 0`);
  // A dispute the payment shows (or showed: won) took the money when it opened; lost keeps it, won gives it back.
  const disputes = `from disputes d join payments m on m.id = d.payment_id where ${unbooked} and d.payment_status_before is not null and d.amount > 0`;
  await book(knex, `select 'dispute:' || d.id || ':opened', 'dispute_opened', m.id, null, d.id, d.amount, 'disputes:open', ${FUNDS}, d.created_at ${disputes}`);
  await book(knex, `select 'dispute:' || d.id || ':lost', 'dispute_lost', m.id, null, d.id, d.amount, 'disputes:lost', 'disputes:open', coalesce(d.closed_at, d.updated_at) ${disputes} and d.status = 'lost'`);
  await book(knex, `select 'dispute:' || d.id || ':won', 'dispute_won', m.id, null, d.id, d.amount, ${FUNDS}, 'disputes:open', coalesce(d.closed_at, d.updated_at) ${disputes} and d.status = 'won'`);
}

export async function down(): Promise<void> {
  // The ledger is append-only: opening entries stay.
}
