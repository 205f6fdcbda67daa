import type { Knex } from 'knex';

/**
 * The double-entry ledger: one transaction per money movement, its postings balanced per currency (checked by the
 * database at commit), both tables append-only. Plus the metadata index payment filters and reports use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ledger_transactions', (t) => {
    t.bigIncrements('id').primary();
    /** Derived from the movement (payment:<id>:capture:<total>, refund:<id>, dispute:<id>:lost…): a retried recorder books nothing twice. */
    t.text('idempotency_key').notNullable().unique();
    t.text('kind').notNullable();
    t.text('payment_id').notNullable().references('payments.id');
    t.text('refund_id');
    t.text('dispute_id');
    /** Facts of the payment at the time of the movement, copied so reports need no join. */
    t.text('customer_id');
    t.text('provider').notNullable();
    t.text('method').notNullable();
    t.string('currency', 3).notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['occurred_at']);
    t.index(['payment_id']);
    t.index(['customer_id', 'occurred_at']);
  });
  await knex.raw(`alter table ledger_transactions add constraint ledger_transactions_kind check (kind in
    ('capture', 'refund', 'refund_payout', 'dispute_opened', 'dispute_lost', 'dispute_won'))`);

  await knex.schema.createTable('ledger_postings', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('transaction_id').notNullable().references('ledger_transactions.id');
    /** Named for what it holds: provider:stripe:clearing, offline:bank, revenue, refunds, disputes:open, disputes:lost. */
    t.text('account').notNullable();
    t.text('direction').notNullable();
    t.bigInteger('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.index(['transaction_id']);
    t.index(['account', 'currency']);
  });
  await knex.raw(`alter table ledger_postings add constraint ledger_postings_direction check (direction in ('debit', 'credit'))`);
  await knex.raw(`alter table ledger_postings add constraint ledger_postings_amount_positive check (amount > 0)`);
  await knex.raw(`alter table ledger_postings add constraint ledger_postings_currency_lowercase check (currency ~ '^[a-z]{3}$')`);

  await knex.raw(`
    -- Checked at commit (deferred), once every posting of the transaction is in: debits equal credits per currency.
    create function ledger_transaction_balanced() returns trigger language plpgsql as $$
    declare
      unbalanced record;
    begin
      select currency, sum(case when direction = 'debit' then amount else -amount end) as difference into unbalanced
        from ledger_postings where transaction_id = new.transaction_id
        group by currency having sum(case when direction = 'debit' then amount else -amount end) <> 0 limit 1;
      if found then
        raise exception 'ledger transaction % is unbalanced in %: debits exceed credits by %', new.transaction_id, unbalanced.currency, unbalanced.difference
          using errcode = 'check_violation';
      end if;
      return null;
    end $$;
    create constraint trigger ledger_postings_balanced after insert on ledger_postings
      deferrable initially deferred for each row execute function ledger_transaction_balanced();

    create function ledger_transaction_has_postings() returns trigger language plpgsql as $$
    begin
      if (select count(*) from ledger_postings where transaction_id = new.id) < 2 then
        raise exception 'ledger transaction % has fewer than two postings', new.id using errcode = 'check_violation';
      end if;
      return null;
    end $$;
    create constraint trigger ledger_transactions_have_postings after insert on ledger_transactions
      deferrable initially deferred for each row execute function ledger_transaction_has_postings();

    -- Append-only: a mistake is corrected by a new transaction, never by editing or deleting one.
    create function ledger_append_only() returns trigger language plpgsql as $$
    begin raise exception '% is append-only', tg_table_name using errcode = 'insufficient_privilege'; end $$;
    create trigger ledger_transactions_append_only before update or delete on ledger_transactions
      for each row execute function ledger_append_only();
    create trigger ledger_postings_append_only before update or delete on ledger_postings
      for each row execute function ledger_append_only();
    create trigger ledger_transactions_no_truncate before truncate on ledger_transactions
      for each statement execute function ledger_append_only();
    create trigger ledger_postings_no_truncate before truncate on ledger_postings
      for each statement execute function ledger_append_only();
  `);

  // metadata @> '{"building_id": "b7"}' on GET /v1/payments and the revenue report.
  await knex.raw('create index payments_metadata on payments using gin (metadata jsonb_path_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists payments_metadata');
  await knex.schema.dropTable('ledger_postings');
  await knex.schema.dropTable('ledger_transactions');
  await knex.raw('drop function if exists ledger_append_only(); drop function if exists ledger_transaction_has_postings(); drop function if exists ledger_transaction_balanced();');
}
