import { existsSync } from 'node:fs';
import { buildCreditNote, buildInvoice, type InvoiceInput } from '../../domain/document';
import { DEFAULT_VAT_RATES } from '../../domain/tax';
import { documentChecksum } from '../../activities/document-issuer';
import { cachedDocumentPdf, renderDocumentPdf } from '../../platform/document-pdf';
import { pdfPageCount, pdfText, savePreview } from './pdf-text';

const invoiceInput = (locale: string, overrides: Partial<InvoiceInput> = {}): InvoiceInput => ({
  kind: 'invoice', number: 'DP-2026-000123', issued_at: '2026-11-30T10:00:00.000Z',
  seller: { name: 'Garage Dupont SRL', address: ['Rue de la Loi 16', '1000 Bruxelles'], country: 'BE', vat_id: 'BE0123456749' },
  buyer: { name: 'Jürgen Müller-Strauß', email: 'jurgen@example.de', address: ['Königsallee 1', '40212 Düsseldorf'], country: 'DE', vat_id: null },
  locale, vat_rates: DEFAULT_VAT_RATES, prices: 'inclusive',
  payment: { id: 'pay_abc', amount_captured: 123456, currency: 'eur', description: 'Révision été – Wartung', method_type: 'card', paid_at: '2026-11-30T09:59:00.000Z' },
  ...overrides,
});

describe('document PDFs', () => {
  it.each([
    ['en', 'Invoice', 'Total incl. VAT', '€1,234.56', '€197.11', 'Date of issue', 'November 30, 2026'],
    ['fr', 'Facture', 'Total TTC', '1 234,56 €', '197,11 €', 'Date d’émission', '30 novembre 2026'],
    ['nl', 'Factuur', 'Totaal incl. btw', '€ 1.234,56', '€ 197,11', 'Datum', '30 november 2026'],
    ['de', 'Rechnung', 'Gesamtbetrag brutto', '1.234,56 €', '197,11 €', 'Datum', '30. November 2026'],
  ])('an invoice in %s reads back with its number, totals and words', async (locale, title, totalLabel, total, tax, issued, date) => {
    const content = buildInvoice(invoiceInput(locale));
    expect(content).toMatchObject({ subtotal: 103745, tax: 19711, total: 123456, tax_country: 'DE' });
    const pdf = await renderDocumentPdf(content, documentChecksum(content));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await pdfPageCount(pdf)).toBe(1);
    const text = await pdfText(pdf);
    for (const expected of [title, 'DP-2026-000123', totalLabel, total, tax, issued, date, 'Jürgen Müller-Strauß', 'Révision été – Wartung', 'pay_abc', documentChecksum(content)]) {
      expect(text).toContain(expected);
    }
    expect(existsSync(await savePreview(pdf, `invoice-${locale}`))).toBe(true);
  });

  it('renders the same document the same way every time', async () => {
    const content = buildInvoice(invoiceInput('fr'));
    const [first, second] = await Promise.all([renderDocumentPdf(content, 'x'), renderDocumentPdf(content, 'x')]);
    expect(await pdfText(first)).toBe(await pdfText(second));
    expect(first.equals(second)).toBe(true);
  });

  it('a reverse-charged invoice says so and charges no VAT', async () => {
    const content = buildInvoice(invoiceInput('de', { buyer: { name: 'Werkstatt GmbH', email: null, address: [], country: 'DE', vat_id: 'DE123456789' } }));
    expect(content).toMatchObject({ reverse_charge: true, tax: 0, subtotal: 123456 });
    const text = await pdfText(await renderDocumentPdf(content, documentChecksum(content)));
    expect(text).toContain('Reverse Charge');
    expect(text).toContain('USt-IdNr.: DE123456789');
    expect(text).toContain('MwSt. 0 %');
  });

  it('a credit note names the invoice it credits', async () => {
    const invoice = buildInvoice(invoiceInput('nl'));
    const note = buildCreditNote({ number: 'DPC-2026-000007', issued_at: '2026-12-02T08:00:00.000Z', invoice, already_credited: { total: 0, tax: 0 }, refund: { id: 're_1', amount: 50000 } });
    expect(note).toMatchObject({ kind: 'credit_note', total: 50000, tax: 7983, subtotal: 42017 });
    const pdf = await renderDocumentPdf(note, documentChecksum(note));
    const text = await pdfText(pdf);
    for (const expected of ['Creditnota', 'DPC-2026-000007', 'Crediteert factuur DP-2026-000123 van 30 november 2026', '€ 500,00', 'Totaal gecrediteerd', 're_1']) {
      expect(text).toContain(expected);
    }
    await savePreview(pdf, 'credit-note-nl');
  });

  it('a receipt for a buyer without details, with exclusive prices, shows net unit prices and VAT added', async () => {
    const content = buildInvoice(invoiceInput('en', {
      kind: 'receipt', prices: 'exclusive', buyer: { name: null, email: null, address: [], country: null, vat_id: null },
      payment: { id: 'pay_cash', amount_captured: 2000, currency: 'eur', description: null, method_type: 'cash', paid_at: '2026-11-30T09:59:00.000Z' },
    }));
    expect(content).toMatchObject({ tax_country: 'BE', subtotal: 1653, tax: 347, total: 2000 });
    const pdf = await renderDocumentPdf(content, documentChecksum(content));
    const text = await pdfText(pdf);
    for (const expected of ['Receipt', 'Unit price (excl. VAT)', '€16.53', 'VAT 21%', '€3.47', '€20.00', 'Payment method: Cash', 'Payment pay_cash']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('BILL TO');
    await savePreview(pdf, 'receipt-en-exclusive');
  });

  it('keeps a rendered PDF by checksum: a second download renders nothing', async () => {
    const content = buildInvoice(invoiceInput('nl'));
    const checksum = documentChecksum(content);
    const first = await cachedDocumentPdf(content, checksum);
    expect(await cachedDocumentPdf(content, checksum)).toBe(first);
    expect(first.equals(await renderDocumentPdf(content, checksum))).toBe(true);
    const other = buildInvoice(invoiceInput('de'));
    expect(await cachedDocumentPdf(other, documentChecksum(other))).not.toBe(first);
  });
});
