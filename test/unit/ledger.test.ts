import { ACCOUNTS, balanceOf, captureEntry, disputeEntries, fundsAccount, imbalance, refundEntry, type LedgerPaymentFacts } from '../../domain/ledger';

const card: LedgerPaymentFacts = { payment_id: 'pay_1', customer_id: 'cus_1', provider: 'stripe', method: 'card', currency: 'eur' };

describe('ledger postings', () => {
  it('books what was captured beyond what is booked, keyed by the captured total', () => {
    expect(captureEntry(card, 3000, 0)).toMatchObject({
      idempotency_key: 'payment:pay_1:capture:3000', kind: 'capture',
      postings: [
        { account: 'provider:stripe:clearing', direction: 'debit', amount: 3000, currency: 'eur' },
        { account: 'revenue', direction: 'credit', amount: 3000, currency: 'eur' },
      ],
    });
    expect(captureEntry(card, 3000, 3000)).toBeNull();
    expect(captureEntry(card, 5000, 3000)?.postings[0].amount).toBe(2000);
  });

  it('keeps offline money in the bank or the till', () => {
    expect(fundsAccount({ provider: 'offline', method: 'bank_transfer' })).toBe(ACCOUNTS.offlineBank);
    expect(fundsAccount({ provider: 'offline', method: 'cash' })).toBe(ACCOUNTS.offlineCash);
    expect(fundsAccount({ provider: 'paypal', method: 'paypal' })).toBe('provider:paypal:clearing');
  });

  it('pays refunds back through the provider, or out of the bank when sent by transfer', () => {
    expect(refundEntry(card, { key: 're_1', refund_id: 're_1', amount: 500, paidOutByBankTransfer: false })?.postings.map((p) => [p.account, p.direction])).toEqual([
      ['refunds', 'debit'], ['provider:stripe:clearing', 'credit'],
    ]);
    const payout = refundEntry(card, { key: 're_2', refund_id: 're_2', amount: 500, paidOutByBankTransfer: true });
    expect(payout?.kind).toBe('refund_payout');
    expect(payout?.postings[1].account).toBe('offline:bank');
  });

  it('withdraws a disputed amount when opened, then keeps it lost or returns it won', () => {
    const dispute = { id: 'dsp_1', amount: 1999 };
    expect(disputeEntries(card, { ...dispute, status: 'needs_response' }).map((e) => e.idempotency_key)).toEqual(['dispute:dsp_1:opened']);
    const lost = disputeEntries(card, { ...dispute, status: 'lost' }).flatMap((e) => e.postings);
    expect(balanceOf(ACCOUNTS.disputesLost, lost, 'eur')).toBe(1999);
    expect(balanceOf(ACCOUNTS.disputesOpen, lost, 'eur')).toBe(0);
    expect(balanceOf('provider:stripe:clearing', lost, 'eur')).toBe(-1999);
    const won = disputeEntries(card, { ...dispute, status: 'won' }).flatMap((e) => e.postings);
    expect(balanceOf('provider:stripe:clearing', won, 'eur')).toBe(0);
    expect(balanceOf(ACCOUNTS.disputesLost, won, 'eur')).toBe(0);
  });

  it('balances every entry it makes', () => {
    const entries = [
      captureEntry(card, 1, 0)!, refundEntry(card, { key: 'r', refund_id: null, amount: 1, paidOutByBankTransfer: true })!,
      ...disputeEntries(card, { id: 'd', status: 'lost', amount: 1 }), ...disputeEntries(card, { id: 'e', status: 'won', amount: 1 }),
    ];
    for (const entry of entries) expect(imbalance(entry.postings)).toEqual({});
    expect(imbalance([{ account: 'a', direction: 'debit', amount: 2, currency: 'eur' }, { account: 'b', direction: 'credit', amount: 1, currency: 'eur' }])).toEqual({ eur: 1 });
  });
});
