/**
 * Which accounts a money movement moves, and by how much: the ledger's postings, decided without I/O.
 *
 * Accounts are named for what they hold. Assets (debit-normal): `provider:<name>:clearing` (money the provider holds
 * for us), `offline:bank`, `offline:cash`, `disputes:open` (withdrawn by a payer's bank while a dispute is open).
 * Income (credit-normal): `revenue`. Contra-income (debit-normal): `refunds`, `disputes:lost`.
 */

export type LedgerKind = 'capture' | 'refund' | 'refund_payout' | 'dispute_opened' | 'dispute_lost' | 'dispute_won';
export type Direction = 'debit' | 'credit';

export interface Posting {
  account: string;
  direction: Direction;
  amount: number;
  currency: string;
}

/** What a movement is about: copied onto the transaction so reports group without joins. */
export interface LedgerPaymentFacts {
  payment_id: string;
  customer_id: string | null;
  provider: string;
  method: string;
  currency: string;
}

export interface LedgerEntry {
  idempotency_key: string;
  kind: LedgerKind;
  payment: LedgerPaymentFacts;
  refund_id: string | null;
  dispute_id: string | null;
  postings: Posting[];
}

export const ACCOUNTS = {
  revenue: 'revenue',
  refunds: 'refunds',
  disputesOpen: 'disputes:open',
  disputesLost: 'disputes:lost',
  offlineBank: 'offline:bank',
  offlineCash: 'offline:cash',
} as const;

/** Where a payment's money sits once it is paid. */
export function fundsAccount(payment: Pick<LedgerPaymentFacts, 'provider' | 'method'>): string {
  if (payment.provider === 'offline') return payment.method === 'cash' ? ACCOUNTS.offlineCash : ACCOUNTS.offlineBank;
  return `provider:${payment.provider}:clearing`;
}

function pair(debit: string, credit: string, amount: number, currency: string): Posting[] {
  return [
    { account: debit, direction: 'debit', amount, currency },
    { account: credit, direction: 'credit', amount, currency },
  ];
}

function entry(kind: LedgerKind, key: string, payment: LedgerPaymentFacts, postings: Posting[], ids: { refund_id?: string; dispute_id?: string } = {}): LedgerEntry {
  return { idempotency_key: key, kind, payment, refund_id: ids.refund_id ?? null, dispute_id: ids.dispute_id ?? null, postings };
}

/**
 * The money captured since the ledger last looked (a capture, a settled SEPA debit, a received transfer or cash).
 * Keyed by the payment's captured total, so the same total is booked once however often it is saved.
 */
export function captureEntry(payment: LedgerPaymentFacts, capturedTotal: number, alreadyBooked: number): LedgerEntry | null {
  const amount = capturedTotal - alreadyBooked;
  if (amount <= 0) return null;
  return entry('capture', `payment:${payment.payment_id}:capture:${capturedTotal}`, payment, pair(fundsAccount(payment), ACCOUNTS.revenue, amount, payment.currency));
}

/**
 * A succeeded refund: back through the provider, or (when the card could not take it) paid out by bank transfer
 * from the merchant's account. `key` identifies the refund: the engine's id, or the provider's for an imported one.
 */
export function refundEntry(payment: LedgerPaymentFacts, refund: { key: string; refund_id: string | null; amount: number; paidOutByBankTransfer: boolean }): LedgerEntry | null {
  if (refund.amount <= 0) return null;
  const from = refund.paidOutByBankTransfer ? ACCOUNTS.offlineBank : fundsAccount(payment);
  return entry(refund.paidOutByBankTransfer ? 'refund_payout' : 'refund', `refund:${refund.key}`, payment, pair(ACCOUNTS.refunds, from, refund.amount, payment.currency), refund.refund_id ? { refund_id: refund.refund_id } : {});
}

/**
 * A dispute moves money twice: the payer's bank withdraws the amount when it opens, then either keeps it (lost) or
 * gives it back (won). Every status gets the entries it implies, each keyed once per dispute, so the recorder can
 * ask for them on every update in any order and only what is new is booked.
 */
export function disputeEntries(payment: LedgerPaymentFacts, dispute: { id: string; status: string; amount: number }): LedgerEntry[] {
  if (dispute.amount <= 0) return [];
  const ids = { dispute_id: dispute.id };
  const key = (what: string) => `dispute:${dispute.id}:${what}`;
  const entries = [entry('dispute_opened', key('opened'), payment, pair(ACCOUNTS.disputesOpen, fundsAccount(payment), dispute.amount, payment.currency), ids)];
  if (dispute.status === 'lost') entries.push(entry('dispute_lost', key('lost'), payment, pair(ACCOUNTS.disputesLost, ACCOUNTS.disputesOpen, dispute.amount, payment.currency), ids));
  if (dispute.status === 'won') entries.push(entry('dispute_won', key('won'), payment, pair(fundsAccount(payment), ACCOUNTS.disputesOpen, dispute.amount, payment.currency), ids));
  return entries;
}

/** Debits minus credits per currency: all zero for a balanced transaction (the database checks the same at commit). */
export function imbalance(postings: Posting[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const posting of postings) totals[posting.currency] = (totals[posting.currency] ?? 0) + (posting.direction === 'debit' ? posting.amount : -posting.amount);
  return Object.fromEntries(Object.entries(totals).filter(([, difference]) => difference !== 0));
}

/** An account's balance in its normal direction: debit-normal for assets and contra-income, credit-normal for revenue. */
export function balanceOf(account: string, postings: Posting[], currency: string): number {
  const sign = account === ACCOUNTS.revenue ? -1 : 1;
  return postings
    .filter((posting) => posting.account === account && posting.currency === currency)
    .reduce((sum, posting) => sum + sign * (posting.direction === 'debit' ? posting.amount : -posting.amount), 0);
}
