import type { Knex } from 'knex';

/**
 * Invoices, receipts and credit notes: numbered gap-free per series and year by a counter row that the issuing
 * transaction increments, frozen once issued (a trigger refuses updates and deletes), with a checksum of their content.
 * Customers gain what an invoice needs to name the buyer and pick the VAT rate.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.text('address');
    /** ISO 3166-1 alpha-2, upper case. */
    t.string('country', 2);
    t.text('vat_id');
  });

  await knex.schema.createTable('document_counters', (t) => {
    t.text('series').notNullable();
    t.integer('year').notNullable();
    /** The last number given out; the next document takes last_number + 1 in the same transaction that inserts it. */
    t.integer('last_number').notNullable();
    t.primary(['series', 'year']);
  });

  await knex.schema.createTable('documents', (t) => {
    t.text('id').primary();
    /** invoice | receipt | credit_note */
    t.text('kind').notNullable();
    t.text('series').notNullable();
    t.integer('year').notNullable();
    t.integer('sequence').notNullable();
    t.text('number').notNullable().unique();
    t.text('payment_id').notNullable().references('payments.id');
    /** Set on credit notes: the refund it credits (one credit note per refund) and the invoice it corrects. */
    t.text('refund_id').unique().references('refunds.id');
    t.text('corrects_document_id').references('documents.id');
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.text('locale').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('subtotal').notNullable();
    t.bigInteger('tax').notNullable();
    t.bigInteger('total').notNullable();
    /** Everything the PDF shows (seller, buyer, lines, tax), frozen at issue time. */
    t.jsonb('content').notNullable();
    /** sha256 of the canonical JSON of content. */
    t.text('checksum').notNullable();
    t.unique(['series', 'year', 'sequence']);
    t.index(['payment_id']);
  });
  // One invoice (or receipt) per payment, however often the succeeded status is written.
  await knex.raw(`create unique index documents_one_invoice_per_payment on documents (payment_id) where kind in ('invoice', 'receipt')`);
  await knex.raw(`
    create function documents_are_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'documents are immutable once issued (% of %)', tg_op, old.number;
    end $$`);
  await knex.raw(`create trigger documents_immutable before update or delete on documents for each row execute function documents_are_immutable()`);

  await knex.schema.alterTable('email_outbox', (t) => {
    /** A document attached as PDF, rendered from its frozen content at send time (so every retry attaches the same). */
    t.text('attachment_document_id').references('documents.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('email_outbox', (t) => {
    t.dropColumn('attachment_document_id');
  });
  await knex.schema.dropTable('documents');
  await knex.raw('drop function documents_are_immutable()');
  await knex.schema.dropTable('document_counters');
  await knex.schema.alterTable('customers', (t) => {
    t.dropColumn('address');
    t.dropColumn('country');
    t.dropColumn('vat_id');
  });
}
