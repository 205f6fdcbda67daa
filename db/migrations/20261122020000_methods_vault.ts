import type { Knex } from 'knex';

/** Every payment method kind on payments, the payment-method vault, and erasure markers on customers. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payments', (t) => {
    t.text('payment_method_type').notNullable().defaultTo('card');
    t.text('saved_payment_method_id');
    /** Bank-transfer instructions (IBAN, beneficiary, structured reference) or cash notes. */
    t.jsonb('instructions');
  });

  await knex.schema.alterTable('customers', (t) => {
    /** The provider's own customer ids, e.g. {"stripe": "cus_..."}. */
    t.jsonb('provider_customer_ids').notNullable().defaultTo('{}');
    t.timestamp('anonymized_at', { useTz: true });
  });

  await knex.schema.createTable('payment_methods', (t) => {
    t.text('id').primary();
    t.text('customer_id').notNullable().references('customers.id');
    t.text('provider').notNullable();
    t.text('type').notNullable();
    /** Provider tokens only: never a card number or a full IBAN. */
    t.text('provider_method_id').notNullable();
    t.text('provider_customer_id');
    t.text('brand');
    t.text('last4');
    t.integer('exp_month');
    t.integer('exp_year');
    t.text('mandate_id');
    t.text('bank_code');
    t.text('country');
    t.text('account_holder_name');
    t.boolean('is_default').notNullable().defaultTo(false);
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('detached_at', { useTz: true });
    t.index(['customer_id', 'created_at']);
  });
  // Exactly one default per customer, enforced by the database under concurrent calls.
  await knex.raw('create unique index payment_methods_one_default on payment_methods (customer_id) where is_default');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payment_methods');
  await knex.schema.alterTable('customers', (t) => {
    t.dropColumn('provider_customer_ids');
    t.dropColumn('anonymized_at');
  });
  await knex.schema.alterTable('payments', (t) => {
    t.dropColumn('payment_method_type');
    t.dropColumn('saved_payment_method_id');
    t.dropColumn('instructions');
  });
}
