import { fillMessage, messagesFor } from './messages';
import { creditedTax, lineForAmountPaid, type PriceMode, type TaxedLine, taxTreatment } from './tax';

/**
 * Invoices, receipts and credit notes as data: built once when issued, stored frozen, rendered (JSON, PDF, email)
 * from this content alone, so a document shows the same numbers and amounts every time it is rendered.
 */

export type DocumentKind = 'invoice' | 'receipt' | 'credit_note';

export interface DocumentParty {
  name: string | null;
  address: string[];
  country: string | null;
  vat_id: string | null;
}

export interface DocumentContent {
  kind: DocumentKind;
  number: string;
  issued_at: string;
  locale: string;
  currency: string;
  seller: DocumentParty;
  buyer: DocumentParty & { email: string | null };
  prices: PriceMode;
  tax_country: string;
  reverse_charge: boolean;
  lines: TaxedLine[];
  subtotal: number;
  tax: number;
  total: number;
  payment: { id: string; method_type: string; paid_at: string };
  /** Credit notes: the refund they credit and the invoice they correct. */
  refund: { id: string } | null;
  corrects: { number: string; issued_at: string } | null;
}

/** `DP-2026-000123`: series, year of issue, and the number within them. */
export function documentNumber(series: string, year: number, sequence: number): string {
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}

export interface InvoiceInput {
  kind: 'invoice' | 'receipt';
  number: string;
  issued_at: string;
  seller: DocumentParty & { country: string };
  buyer: DocumentContent['buyer'];
  locale: string;
  vat_rates: Readonly<Record<string, number>>;
  prices: PriceMode;
  payment: { id: string; amount_captured: number; currency: string; description: string | null; method_type: string; paid_at: string };
}

export function buildInvoice(input: InvoiceInput): DocumentContent {
  const treatment = taxTreatment(input.seller, input.buyer, input.vat_rates);
  const description = input.payment.description ?? fillMessage(messagesFor(input.locale).document.payment_line, { reference: input.payment.id });
  const totals = lineForAmountPaid(description, input.payment.amount_captured, treatment.rate, input.prices);
  return {
    kind: input.kind,
    number: input.number,
    issued_at: input.issued_at,
    locale: input.locale,
    currency: input.payment.currency,
    seller: input.seller,
    buyer: input.buyer,
    prices: input.prices,
    tax_country: treatment.country,
    reverse_charge: treatment.reverse_charge,
    ...totals,
    payment: { id: input.payment.id, method_type: input.payment.method_type, paid_at: input.payment.paid_at },
    refund: null,
    corrects: null,
  };
}

/** A credit note for one refund of an invoiced payment: the invoice's parties and rate, VAT in proportion. */
export function buildCreditNote(input: {
  number: string;
  issued_at: string;
  invoice: DocumentContent;
  already_credited: { total: number; tax: number };
  refund: { id: string; amount: number };
}): DocumentContent {
  const { invoice } = input;
  const tax = creditedTax(invoice, input.already_credited, input.refund.amount);
  const rate = invoice.lines[0]?.tax_rate ?? 0;
  const description = fillMessage(messagesFor(invoice.locale).document.refund_line, { number: invoice.number });
  const net = input.refund.amount - tax;
  const line: TaxedLine = {
    description, quantity: 1, unit_amount: invoice.prices === 'inclusive' ? input.refund.amount : net, net, tax_rate: rate, tax, total: input.refund.amount,
  };
  return {
    ...invoice,
    kind: 'credit_note',
    number: input.number,
    issued_at: input.issued_at,
    lines: [line],
    subtotal: net,
    tax,
    total: input.refund.amount,
    refund: { id: input.refund.id },
    corrects: { number: invoice.number, issued_at: invoice.issued_at },
  };
}

/** Canonical JSON (keys sorted at every level): the text the checksum is taken over. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
