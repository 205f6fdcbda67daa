import fc from 'fast-check';
import { createDisputeActivities } from '../../activities/dispute-activities';
import { createPaymentActivities } from '../../activities/payment-activities';
import { createRefundActivities } from '../../activities/refund-activities';
import type { Payment } from '../../domain/payment';
import type { Refund } from '../../domain/refund';
import { up as bookOpeningEntries } from '../../db/migrations/20261135030000_ledger_opening_entries';
import { TestStack } from '../support/stack';

/**
 * Property: whatever sequence of payments, captures, offline receipts, partial refunds (through the provider or paid
 * out by bank transfer), disputes (lost or won) and retried writes the recorders see, every ledger transaction is
 * balanced and every account's balance equals what the API says happened. The recorders are the real activities on
 * the real database; the API is read over HTTP. Seeded: a failure names its seed and shrunk sequence.
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ worker: 'none' });
});
afterAll(async () => {
  await stack?.stop();
});

type Method = Payment['payment_method_type'];
interface Scenario {
  method: Method;
  currency: 'eur' | 'jpy' | 'usd';
  amount: number;
  customer: number;
  /** Manual capture of this share of the amount (cards only); null: captured at once. */
  capturedShare: number | null;
  refunds: Array<{ share: number; byBankTransfer: boolean }>;
  dispute: null | 'needs_response' | 'won' | 'lost';
  /** The dispute comes before the refunds (which its payment then refuses until it is won). */
  disputeFirst: boolean;
  /** How many times each write is repeated, as an activity retried after a crash would. */
  repeats: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  method: fc.constantFrom<Method>('card', 'card', 'paypal', 'sepa_debit', 'cash', 'bank_transfer'),
  currency: fc.constantFrom('eur', 'jpy', 'usd'),
  amount: fc.integer({ min: 1, max: 500_000 }),
  customer: fc.integer({ min: 0, max: 2 }),
  capturedShare: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: null }),
  refunds: fc.array(fc.record({ share: fc.double({ min: 0, max: 0.7, noNaN: true }), byBankTransfer: fc.boolean() }), { maxLength: 3 }),
  dispute: fc.constantFrom(null, null, 'needs_response', 'won', 'lost'),
  disputeFirst: fc.boolean(),
  repeats: fc.integer({ min: 1, max: 2 }),
});

type Step = () => Promise<void>;
let runNumber = 0;

function paymentOf(id: string, s: Scenario, customerId: string): Payment {
  const offline = s.method === 'cash' || s.method === 'bank_transfer';
  const now = new Date().toISOString();
  return {
    id, object: 'payment', status: 'pending', amount: s.amount, currency: s.currency, capture_method: s.capturedShare === null ? 'automatic' : 'manual',
    amount_captured: 0, amount_refunded: 0, provider: offline ? 'offline' : s.method === 'paypal' ? 'paypal' : 'stripe',
    provider_payment_id: offline ? null : `pi_${id}`, payment_method: null, payment_method_type: s.method, saved_payment_method_id: null, instructions: null,
    client_secret: null, next_action: null, failure_code: null, failure_message: null, failure_details: null, customer_id: customerId, receipt_email: null,
    description: null, metadata: {}, created_at: now, updated_at: now,
  };
}

/** One payment's writes, in order, each as the recorder activity makes it. */
function stepsFor(s: Scenario, index: number, run: string): { paymentId: string; customerId: string; steps: Step[] } {
  const payments = createPaymentActivities({ db: stack.db, providers: {} });
  const refunds = createRefundActivities({ db: stack.db, providers: {} });
  const disputes = createDisputeActivities({ db: stack.db, providers: {} });
  const id = `pay_prop_${run}_${index}`;
  const customerId = `cus_prop_${run}_${s.customer}`;
  let payment = paymentOf(id, s, customerId);
  let version = 1;
  const save = async (changes: Partial<Payment>) => {
    payment = { ...payment, ...changes, updated_at: new Date().toISOString() };
    version += 1;
    for (let i = 0; i < s.repeats; i += 1) await payments.savePayment({ payment, version, events: [], processedWebhookEventIds: [] });
  };
  const steps: Step[] = [() => save({})];
  if (s.capturedShare !== null && s.method === 'card') {
    steps.push(() => save({ status: 'requires_capture' }));
    steps.push(() => save({ status: 'succeeded', amount_captured: Math.max(1, Math.floor(s.amount * s.capturedShare!)) }));
  } else {
    // Settled, received at the desk or by transfer: the whole amount.
    steps.push(() => save({ status: 'succeeded', amount_captured: s.amount }));
  }
  const refundSteps: Step[] = [];
  const disputeSteps: Step[] = [];
  s.refunds.forEach((r, n) => refundSteps.push(async () => {
    const current = await stack.getPayment(id);
    const amount = Math.floor((current.amount_captured - current.amount_refunded) * r.share);
    if (amount <= 0) return;
    const refund: Refund = {
      id: `re_prop_${run}_${index}_${n}`, object: 'refund', payment_id: id, amount, currency: s.currency, reason: 'requested_by_customer', details: null,
      status: 'pending_review', requested_at: new Date().toISOString(), requested_by: 'test', decided_by: null, decided_at: null, decision_reason: null,
      provider_refund_id: null, completed_at: null, failure_message: null, appeal_count: 0, appeal_details: null, alternative_method: null,
    };
    const reserved = await refunds.reserveRefund({ refund, requestedAmount: amount, windowDays: 30, now: Date.now(), version: 1 });
    if (!reserved.ok) return; // refused by policy (a disputed payment, say): nothing happened
    const done: Refund = {
      ...reserved.refund, status: 'succeeded', completed_at: new Date().toISOString(),
      alternative_method: r.byBankTransfer ? { type: 'bank_transfer', iban: 'BE68539007547034', iban_last4: '7034', account_holder_name: 'Test', reference: null } : null,
    };
    for (let i = 0; i < s.repeats; i += 1) await refunds.completeRefund({ refund: done, version: 5, line: { type: 'refund.succeeded', source: 'workflow', actor: 'test', data: {} } });
  }));
  if (s.dispute && payment.provider !== 'offline') {
    const statuses: Array<'needs_response' | 'won' | 'lost'> = s.dispute === 'needs_response' ? ['needs_response'] : ['needs_response', s.dispute];
    for (const status of statuses) {
      disputeSteps.push(async () => {
        const current = await stack.getPayment(id);
        const state = {
          provider: payment.provider, providerDisputeId: `dp_${id}`, providerPaymentId: payment.provider_payment_id, paymentId: id, amount: current.amount_captured,
          currency: s.currency, reason: 'fraudulent', status, providerStatus: status, evidenceDueBy: null, providerUrl: null,
        };
        for (let i = 0; i < s.repeats; i += 1) {
          const { dispute } = await disputes.recordDisputeState({ state, webhookEventId: null });
          await disputes.applyDisputeToPayment({ disputeId: dispute.id, source: 'webhook' });
        }
      });
    }
  }
  steps.push(...(s.disputeFirst ? [...disputeSteps, ...refundSteps] : [...refundSteps, ...disputeSteps]));
  return { paymentId: id, customerId, steps };
}

/** Runs the payments' steps interleaved in the order `picks` says, each payment's own steps in order. */
async function interleave(queues: Step[][], picks: number[]): Promise<void> {
  let pick = 0;
  for (;;) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) return;
    await open[(picks[pick++ % Math.max(1, picks.length)] ?? 0) % open.length].shift()!();
  }
}

type Balances = Record<string, number>;
const add = (into: Balances, key: string, amount: number) => void (into[key] = (into[key] ?? 0) + amount);
const nonZero = (balances: Balances) => Object.fromEntries(Object.entries(balances).filter(([, amount]) => amount !== 0).sort(([a], [b]) => a.localeCompare(b)));

/** Every account's balance per currency, from the ledger entries of these payments, in each account's normal direction. */
async function ledgerBalances(paymentIds: string[]): Promise<Balances> {
  const { rows } = await stack.db.raw(
    `select p.account, p.currency, sum(case when p.direction = 'debit' then p.amount else -p.amount end) as debit_balance
       from ledger_postings p join ledger_transactions t on t.id = p.transaction_id where t.payment_id = any(?::text[]) group by 1, 2`,
    [paymentIds],
  );
  const balances: Balances = {};
  for (const row of rows) add(balances, `${row.account}/${row.currency}`, (row.account === 'revenue' ? -1 : 1) * Number(row.debit_balance));
  return nonZero(balances);
}

/** The same balances, from nothing but what the API answers about these payments and their refunds. */
async function apiBalances(paymentIds: string[]): Promise<Balances> {
  const balances: Balances = {};
  for (const id of paymentIds) {
    const payment = await stack.getPayment(id);
    const c = payment.currency;
    const funds = payment.provider === 'offline' ? (payment.payment_method_type === 'cash' ? 'offline:cash' : 'offline:bank') : `provider:${payment.provider}:clearing`;
    add(balances, `revenue/${c}`, payment.amount_captured);
    add(balances, `${funds}/${c}`, payment.amount_captured);
    add(balances, `refunds/${c}`, payment.amount_refunded);
    const refunds = (await stack.request('GET', `/v1/payments/${id}/refunds`)).body.data as Refund[];
    // Paid out by bank transfer from the merchant's account; the rest (refund objects or refunds sync imported) went back through the funds account.
    const byBankTransfer = refunds.filter((r) => r.status === 'succeeded' && r.alternative_method).reduce((sum, r) => sum + r.amount, 0);
    add(balances, `offline:bank/${c}`, -byBankTransfer);
    add(balances, `${funds}/${c}`, -(payment.amount_refunded - byBankTransfer));
    if (payment.dispute) {
      const { status, amount, amount_lost: lost } = payment.dispute;
      add(balances, `disputes:lost/${c}`, lost);
      add(balances, `disputes:open/${c}`, status === 'needs_response' || status === 'under_review' ? amount : 0);
      add(balances, `${funds}/${c}`, status === 'won' ? 0 : -amount);
    }
  }
  return nonZero(balances);
}

describe('the ledger under random sequences of money movements', () => {
  it('stays balanced, and every balance equals what the API says happened', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(scenario, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), async (scenarios, picks) => {
        const run = `${process.pid}_${(runNumber += 1)}`;
        const payments = scenarios.map((s, index) => stepsFor(s, index, run));
        await interleave(payments.map((p) => p.steps), picks);
        const ids = payments.map((p) => p.paymentId);

        const { rows: unbalanced } = await stack.db.raw(
          `select t.id, p.currency from ledger_transactions t join ledger_postings p on p.transaction_id = t.id where t.payment_id = any(?::text[])
            group by t.id, p.currency having sum(case when p.direction = 'debit' then p.amount else -p.amount end) <> 0`,
          [ids],
        );
        expect(unbalanced).toEqual([]);
        expect(await ledgerBalances(ids)).toEqual(await apiBalances(ids));

        for (const customerId of new Set(payments.map((p) => p.customerId))) {
          const mine = ids.filter((_, index) => payments[index].customerId === customerId);
          for (const currency of new Set(scenarios.filter((_, index) => payments[index].customerId === customerId).map((s) => s.currency))) {
            const figures = await Promise.all(mine.map((id) => stack.getPayment(id)));
            const inCurrency = figures.filter((p) => p.currency === currency && p.amount_captured > 0);
            const stats = (await stack.request('GET', `/v1/customers/${customerId}/stats?currency=${currency}`)).body;
            expect(stats).toMatchObject({
              total_paid: inCurrency.reduce((sum, p) => sum + p.amount_captured, 0),
              total_refunded: inCurrency.reduce((sum, p) => sum + p.amount_refunded, 0),
              total_disputed: inCurrency.reduce((sum, p) => sum + (p.dispute?.amount_lost ?? 0), 0),
              count: inCurrency.length,
            });
          }
        }
      }),
      { seed: 15_1135, numRuns: 25 },
    );
  }, 600_000);

  it('refuses an unbalanced transaction, and any change to a booked one', async () => {
    const [{ id: paymentId }] = await stack.db('payments').select('id').where('id', 'like', 'pay_prop_%').limit(1);
    const attempt = (postings: Array<[string, 'debit' | 'credit', number]>) =>
      stack.db.transaction(async (trx) => {
        const [{ id }] = await trx('ledger_transactions')
          .insert({ idempotency_key: `test:${Math.random()}`, kind: 'capture', payment_id: paymentId, provider: 'stripe', method: 'card', currency: 'eur', occurred_at: new Date() })
          .returning('id');
        if (postings.length) await trx('ledger_postings').insert(postings.map(([account, direction, amount]) => ({ transaction_id: id, account, direction, amount, currency: 'eur' })));
      });
    await expect(attempt([['provider:stripe:clearing', 'debit', 100], ['revenue', 'credit', 99]])).rejects.toThrow(/unbalanced in eur: debits exceed credits by 1/);
    await expect(attempt([])).rejects.toThrow(/fewer than two postings/);
    await expect(stack.db('ledger_postings').where('amount', '>', 0).limit(1).update({ amount: 1 })).rejects.toThrow(/append-only/);
    await expect(stack.db('ledger_transactions').where({ payment_id: paymentId }).del()).rejects.toThrow(/append-only/);
    await expect(stack.db.raw('truncate ledger_postings')).rejects.toThrow(/append-only/);
  });

  it('books opening entries for payments recorded before the ledger existed, once', async () => {
    // Rows written straight to the tables, as the engine did before the ledger: no recorder, no entries.
    const run = `open_${process.pid}`;
    const now = new Date();
    const payment = (id: string, columns: Record<string, unknown>) => ({
      id, status: 'succeeded', amount: 5000, currency: 'eur', capture_method: 'automatic', amount_captured: 5000, provider: 'stripe',
      payment_method_type: 'card', provider_payment_id: `pi_${id}`, customer_id: `cus_${run}`, created_at: now, updated_at: now, ...columns,
    });
    const refund = (id: string, paymentId: string, amount: number, alternative: boolean) => ({
      id, payment_id: paymentId, amount, currency: 'eur', reason: 'requested_by_customer', status: 'succeeded', reserves_amount: false,
      requested_at: now, requested_by: 'test', completed_at: now,
      alternative_method: alternative ? JSON.stringify({ type: 'bank_transfer', iban: 'BE68539007547034', iban_last4: '7034', account_holder_name: 'Test', reference: null }) : null,
    });
    const ids = [`pay_${run}_a`, `pay_${run}_b`, `pay_${run}_c`];
    await stack.db('payments').insert([
      payment(ids[0], { status: 'partially_refunded', amount_refunded: 1500 }),
      payment(ids[1], { amount: 3000, amount_captured: 3000, amount_refunded: 800, provider: 'offline', payment_method_type: 'bank_transfer', provider_payment_id: null, status: 'partially_refunded' }),
      payment(ids[2], { amount: 2000, amount_captured: 2000, status: 'disputed', dispute_id: `dsp_${run}`, dispute_status: 'lost', dispute_amount: 2000, dispute_amount_lost: 2000 }),
    ]);
    await stack.db('refunds').insert([refund(`re_${run}_1`, ids[0], 1000, false), refund(`re_${run}_2`, ids[1], 800, true)]);
    await stack.db('payment_events').insert({
      payment_id: ids[0], dedupe_key: `${ids[0]}:refund-imported:re_outside`, type: 'refund.imported', source: 'sync', actor: 'stripe:sync',
      data: JSON.stringify({ provider_refund_id: 're_outside', amount: 500 }), occurred_at: now,
    });
    await stack.db('disputes').insert({
      id: `dsp_${run}`, provider: 'stripe', provider_dispute_id: `dp_${run}`, provider_payment_id: `pi_${ids[2]}`, payment_id: ids[2], amount: 2000, currency: 'eur',
      reason: 'fraudulent', status: 'lost', amount_lost: 2000, payment_status_before: 'succeeded', closed_at: now,
    });
    expect(await ledgerBalances(ids)).toEqual({});

    await stack.db.transaction((trx) => bookOpeningEntries(trx));
    expect(await ledgerBalances(ids)).toEqual(await apiBalances(ids));
    expect(await ledgerBalances(ids)).toMatchObject({ 'revenue/eur': 10_000, 'refunds/eur': 2300, 'disputes:lost/eur': 2000, 'offline:bank/eur': 2200 });
    const [{ count }] = await stack.db('ledger_transactions').whereIn('payment_id', ids).count({ count: '*' });
    expect(Number(count)).toBe(8);

    await stack.db.transaction((trx) => bookOpeningEntries(trx));
    const [{ count: again }] = await stack.db('ledger_transactions').whereIn('payment_id', ids).count({ count: '*' });
    expect(Number(again)).toBe(8);
  });
});
