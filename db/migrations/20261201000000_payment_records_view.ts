import type { Knex } from 'knex';

/**
 * One writer for the payment record (issue 10). `payments` keeps the charge's lifecycle
 * (pending → … → succeeded | failed | canceled), written only by activities/payment-record-writer.ts. What refunds and
 * disputes did to the charge comes from their own rows, as Stripe keeps a PaymentIntent `succeeded` and makes refunds
 * and disputes separate objects:
 * - payments.amount_refunded is kept by the database (trigger below), never by application code: succeeded refunds plus
 *   refunds imported by sync (their `refund.imported` history lines), never more than was captured. No save of the
 *   payment workflow names the column, so none can write an older total over a refund.
 * - the view payment_records, which readers read, adds the statuses `refunded` / `partially_refunded` / `disputed`
 *   and the dispute the payment shows (the one the dispute workflow applied last: disputes.shown_at), and keeps the
 *   stored lifecycle status as charge_status.
 * payments.dispute_* stay (unwritten, unread) so rows written the old way still insert; a later migration can drop them.
 * A migration that adds a column to payments recreates the view (createPaymentRecordsView); test/e2e/payment-records
 * fails until it does.
 */
const DERIVED = ['status', 'dispute_id', 'dispute_status', 'dispute_amount', 'dispute_amount_lost'];
/** Stored statuses that were totals, not lifecycle: each is a charge that succeeded. */
const TOTALS_STATUSES = `('succeeded', 'partially_refunded', 'refunded', 'disputed')`;

const REFUNDED_TOTAL = (paymentId: string) => `least(p.amount_captured,
  coalesce((select sum(r.amount) from refunds r where r.payment_id = ${paymentId} and r.status = 'succeeded'), 0)
  + coalesce((select sum((e.data->>'amount')::bigint) from payment_events e where e.payment_id = ${paymentId} and e.type = 'refund.imported'), 0))`;

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
      case when p.status in ${TOTALS_STATUSES} then 'succeeded' else p.status end as charge_status
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
  await knex.schema.alterTable('disputes', (t) => {
    /** The dispute's status as the payment shows it (set when the dispute workflow applies it to the payment). */
    t.text('shown_status');
    /** When it was last applied: a payment disputed twice shows the dispute applied last. */
    t.timestamp('shown_at', { useTz: true });
  });
  // What payments showed until now moves to the disputes that were shown.
  await knex.raw(`update disputes d set shown_status = p.dispute_status, shown_at = now() from payments p where p.dispute_id = d.id`);
  await knex.raw(`update disputes set shown_status = status, shown_at = created_at where payment_status_before is not null and shown_status is null`);

  await knex.raw(`
    create function refresh_payment_amount_refunded() returns trigger language plpgsql as $$
    declare target text := case when tg_op = 'DELETE' then old.payment_id else new.payment_id end;
    begin
      update payments p set amount_refunded = ${REFUNDED_TOTAL('target')}
       where p.id = target and p.amount_refunded is distinct from ${REFUNDED_TOTAL('target')};
      return null;
    end $$`);
  // Only changes that move money back count: a refund that succeeds (or, never in practice, stops being succeeded).
  await knex.raw(`create trigger refunds_refresh_payment_insert after insert on refunds for each row
    when (new.status = 'succeeded') execute function refresh_payment_amount_refunded()`);
  await knex.raw(`create trigger refunds_refresh_payment_update after update on refunds for each row
    when ((old.status = 'succeeded') is distinct from (new.status = 'succeeded') or (new.status = 'succeeded' and old.amount <> new.amount))
    execute function refresh_payment_amount_refunded()`);
  await knex.raw(`create trigger refunds_refresh_payment_delete after delete on refunds for each row
    when (old.status = 'succeeded') execute function refresh_payment_amount_refunded()`);
  await knex.raw(`create trigger payment_events_refresh_payment after insert on payment_events for each row
    when (new.type = 'refund.imported') execute function refresh_payment_amount_refunded()`);

  await createPaymentRecordsView(knex);
  // Where the stored figures disagree with the refunds and disputes (a refund that a closing payment workflow wrote
  // over: the bug this change removes), the record now follows the refunds and disputes; a history line says so.
  await knex.raw(`
    with derived as (
      select p.id, p.status as stored_status, p.amount_refunded as stored_refunded, ${REFUNDED_TOTAL('p.id')} as refunded,
        case when p.status in ${TOTALS_STATUSES} then
          case when r.dispute_status is not null and r.dispute_status <> 'won' then 'disputed'
               when ${REFUNDED_TOTAL('p.id')} > 0 and ${REFUNDED_TOTAL('p.id')} >= p.amount_captured then 'refunded'
               when ${REFUNDED_TOTAL('p.id')} > 0 then 'partially_refunded'
               else 'succeeded' end
        else p.status end as status
      from payments p join payment_records r on r.id = p.id
    )
    insert into payment_events (payment_id, dedupe_key, type, from_status, to_status, source, actor, data, occurred_at)
    select id, id || ':record-derived', 'payment.record_derived', stored_status, status, 'workflow', 'migration:20261201000000',
      jsonb_build_object('stored_amount_refunded', stored_refunded, 'amount_refunded', refunded), now()
    from derived
    where stored_status is distinct from status or stored_refunded is distinct from refunded
    on conflict (dedupe_key) do nothing`);
  await knex.raw(`update payments p set amount_refunded = ${REFUNDED_TOTAL('p.id')} where p.amount_refunded is distinct from ${REFUNDED_TOTAL('p.id')}`);
  await knex.raw(`update payments set status = 'succeeded' where status in ('partially_refunded', 'refunded', 'disputed')`);
  for (const column of DERIVED.filter((column) => column !== 'status')) {
    await knex.raw(`comment on column payments.${column} is 'Unused since 20261201000000: read payment_records.${column}, derived from disputes.'`);
  }
  await knex.raw(`comment on column payments.amount_refunded is 'Kept by the trigger refresh_payment_amount_refunded from refunds and refund.imported lines; never written by the application.'`);
  await knex.raw(`comment on column payments.status is 'The charge lifecycle only; payment_records.status adds refunded, partially_refunded and disputed.'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    update payments p set status = r.status, dispute_id = r.dispute_id, dispute_status = r.dispute_status,
      dispute_amount = r.dispute_amount, dispute_amount_lost = r.dispute_amount_lost
    from payment_records r where r.id = p.id`);
  await knex.raw('drop view payment_records');
  await knex.raw('drop trigger payment_events_refresh_payment on payment_events');
  for (const operation of ['insert', 'update', 'delete']) await knex.raw(`drop trigger refunds_refresh_payment_${operation} on refunds`);
  await knex.raw('drop function refresh_payment_amount_refunded()');
  await knex.schema.alterTable('disputes', (t) => {
    t.dropColumn('shown_at');
    t.dropColumn('shown_status');
  });
}
