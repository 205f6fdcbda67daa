import type { Payment } from '../../domain/payment';
import { completeThreeDSecure } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/*
 * Invoice numbers are gap-free: 50 payments succeeding at once take 50 consecutive numbers, and a worker killed with
 * SIGKILL while successes are being recorded neither skips nor repeats one (its open transactions roll back, with
 * the number they had taken, and the retried activity takes one again).
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ worker: 'process', timing: { pollInitialSeconds: 600, pollMaxSeconds: 600 } });
});
afterAll(async () => {
  await stack?.stop();
});

async function invoiceSequences(paymentIds: string[]): Promise<number[]> {
  const rows = await stack.db('documents').whereIn('payment_id', paymentIds).whereIn('kind', ['invoice', 'receipt']).select('sequence', 'series', 'year');
  return rows.map((row) => Number(row.sequence)).sort((a, b) => a - b);
}

const consecutive = (sequences: number[]) => sequences.every((sequence, index) => index === 0 || sequence === sequences[index - 1] + 1);

/** Every number of the series and year from 1 to the counter's last, each once: nothing skipped, nothing reused. */
async function expectSeriesGapFree(): Promise<void> {
  const counters = await stack.db('document_counters').select();
  for (const counter of counters) {
    const sequences = (await stack.db('documents').where({ series: counter.series, year: counter.year }).orderBy('sequence').pluck('sequence')).map(Number);
    expect(sequences).toEqual(Array.from({ length: counter.last_number }, (_, index) => index + 1));
  }
}

/** Succeeded and booked: the invoice is issued by the bookkeeping that follows the answer (bookPayment). */
async function waitUntilAllSucceeded(ids: string[]): Promise<void> {
  await waitFor(async () => {
    const booked = await stack.db('payments').whereIn('id', ids).where({ status: 'succeeded', bookkeeping_due: false }).count({ n: '*' });
    return Number(booked[0].n) === ids.length ? true : undefined;
  }, { timeoutMs: 240_000, intervalMs: 250, what: `${ids.length} payments to succeed and be booked` });
}

/** Once all succeeded: one invoice each, numbers consecutive and distinct, and the whole series gap-free. */
async function expectConsecutiveInvoices(ids: string[]): Promise<void> {
  await waitUntilAllSucceeded(ids);
  const sequences = await invoiceSequences(ids);
  expect(sequences).toHaveLength(ids.length);
  expect(new Set(sequences).size).toBe(ids.length);
  expect(consecutive(sequences)).toBe(true);
  await expectSeriesGapFree();
}

describe('invoice numbers under concurrency', () => {
  it('gives 50 payments succeeding at once 50 consecutive numbers, none twice', async () => {
    const created = await Promise.all(Array.from({ length: 50 }, () => stack.createPayment({ amount: 1000, payment_method: 'pm_card_visa' })));
    const ids = created.map((result) => result.body.id);
    await expectConsecutiveInvoices(ids);
  }, 300_000);

  it('keeps them gap-free across a worker killed while successes are recorded', async () => {
    const created = await Promise.all(Array.from({ length: 50 }, () => stack.createPayment({ amount: 1234, payment_method: 'pm_card_authenticationRequired' })));
    const payments = created.map((result) => result.body as Payment);
    expect(payments.every((payment) => payment.status === 'requires_action')).toBe(true);
    const ids = payments.map((payment) => payment.id);

    // All 50 payers approve at once; once ten invoices are there, the worker dies mid-stream, others being recorded.
    const approvals = Promise.all(payments.map((payment) => completeThreeDSecure(payment.next_action!.redirect_to_url.url, 'approve')));
    await waitFor(async () => ((await invoiceSequences(ids)).length >= 10 ? true : undefined), { timeoutMs: 120_000, intervalMs: 20, what: 'ten invoices' });
    await stack.killWorkerProcess();
    await approvals;
    stack.startWorkerProcess();

    await expectConsecutiveInvoices(ids);
  }, 300_000);
});
