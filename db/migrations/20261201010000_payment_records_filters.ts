import type { Knex } from 'knex';

/**
 * GET /v1/payments?status=… on payment_records (20261201000000): a derived status can't use an index, so a rare one
 * (refunded, disputed) made PostgreSQL derive every payment's status to find none (bench:records). The list narrows
 * first by what each derived status implies (api/payment-reads.ts): a refund on record (this partial index), an
 * applied dispute, or the stored status, which the view now shows unchanged as charge_status so its index applies.
 * A migration that adds a column to payments recreates the view with this module's createPaymentRecordsView.
 */
const DERIVED = ['status', 'dispute_id', 'dispute_status', 'dispute_amount', 'dispute_amount_lost'];
/** Stored statuses that were totals, not lifecycle (rows written the old way): each is a charge that succeeded. */
const TOTALS_STATUSES = `('succeeded', 'partially_refunded', 'refunded', 'disputed')`;

export async function createPaymentRecordsView(knex: Knex): Promise<void> {
  const { rows } = await knex.raw(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'payments' order by ordinal_position`,
  );
  const kept = (rows as Array<{ column_name: string }>).map((row) => row.column_name).filter((column) => !DERIVED.includes(column));
  await knex.raw('drop view if exists payment_records');
  await knex.raw(`
    create view payment_records as
    select ${kept.map((column) => `p.${column}`).join(', ')},
      case when p.status in ${TOTALS_STATUSES} then
        case when shown.status is not null and shown.status <> 'won' then 'disputed'
             when p.amount_refunded > 0 and p.amount_refunded >= p.amount_captured then 'refunded'
             when p.amount_refunded > 0 then 'partially_refunded'
             else 'succeeded' end
      else p.status end as status,
      shown.id as dispute_id, shown.status as dispute_status, shown.amount as dispute_amount, shown.amount_lost as dispute_amount_lost,
      p.status as charge_status
    from payments p
    left join lateral (
      select d.id, coalesce(d.shown_status, d.status) as status, d.amount,
        (case when coalesce(d.shown_status, d.status) = 'lost' then d.amount else 0 end)::bigint as amount_lost
      from disputes d
      where d.payment_id = p.id and d.payment_status_before is not null
      order by d.shown_at desc nulls last, d.created_at desc, d.id desc
      limit 1
    ) shown on true`);
}

export async function up(knex: Knex): Promise<void> {
  await createPaymentRecordsView(knex);
  await knex.raw('create index payments_refunded_by_time on payments (created_at, id) where amount_refunded > 0');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index payments_refunded_by_time');
  // The view as 20261201000000 made it.
  const { createPaymentRecordsView: previous } = await import('./20261201000000_payment_records_view');
  await previous(knex);
}
