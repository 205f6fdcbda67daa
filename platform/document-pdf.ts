import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { DocumentContent } from '../domain/document';
import { formatDay, formatMinorUnits, formatPercent, formattingLocale } from '../domain/locale-format';
import { fillMessage, messagesFor } from '../domain/messages';

/**
 * An issued document as an A4 PDF, drawn with pdfkit from the document's frozen content alone. Noto Sans (embedded,
 * subset) has every glyph fr, nl and de need (é, ë, ü, ß, €, and the narrow no-break spaces Intl puts in amounts).
 */
// Read once per process; pdfkit subsets them into each document.
const FONT_REGULAR = readFileSync(require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'));
const FONT_BOLD = readFileSync(require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'));

const MARGIN = 50;
const PAGE_WIDTH = 595.28; // A4 in points
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN;
const GREY = '#555555';

/** BE → "Belgium", "Belgique", "België", "Belgien". */
function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([formattingLocale(locale)], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function renderDocumentPdf(content: DocumentContent, checksum: string): Promise<Buffer> {
  const m = messagesFor(content.locale).document;
  const money = (amount: number) => formatMinorUnits(amount, content.currency, content.locale);
  const day = (iso: string) => formatDay(iso, content.locale);
  const doc = new PDFDocument({
    size: 'A4', margin: MARGIN, lang: content.locale,
    // Fixed metadata: rendering the same document again gives the same file.
    info: { Title: `${m[content.kind]} ${content.number}`, Author: content.seller.name ?? undefined, CreationDate: new Date(content.issued_at), ModDate: new Date(content.issued_at) },
  });
  doc.registerFont('regular', FONT_REGULAR);
  doc.registerFont('bold', FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Heading: what it is, its number and date.
  doc.font('bold').fontSize(22).text(m[content.kind], MARGIN, MARGIN);
  const metaTop = MARGIN + 4;
  const metaX = MARGIN + CONTENT_WIDTH / 2;
  const metaRows: [string, string][] = [[m.number, content.number], [m.issued_on, day(content.issued_at)]];
  if (content.corrects) metaRows.push(['', fillMessage(m.credits_invoice, { number: content.corrects.number, date: day(content.corrects.issued_at) })]);
  let y = metaTop;
  for (const [label, value] of metaRows) {
    if (label) doc.font('regular').fontSize(9).fillColor(GREY).text(label, metaX, y, { width: 100 });
    doc.font(label ? 'bold' : 'regular').fontSize(label ? 10 : 9).fillColor('black').text(value, label ? metaX + 100 : metaX, y, { width: label ? CONTENT_WIDTH / 2 - 100 : CONTENT_WIDTH / 2 });
    y = doc.y + 4;
  }

  // Parties: seller left, buyer right.
  const partiesTop = Math.max(doc.y, MARGIN + 70) + 20;
  const party = (title: string, lines: string[], x: number) => {
    doc.font('regular').fontSize(9).fillColor(GREY).text(title.toUpperCase(), x, partiesTop, { width: CONTENT_WIDTH / 2 - 10 });
    doc.moveDown(0.3).fillColor('black').fontSize(10);
    lines.forEach((line, index) => doc.font(index === 0 ? 'bold' : 'regular').text(line, x, undefined, { width: CONTENT_WIDTH / 2 - 10 }));
    return doc.y;
  };
  const partyLines = (p: DocumentContent['seller'] & { email?: string | null }) => [
    p.name ?? p.email ?? '—', ...p.address, ...(p.country ? [countryName(p.country, content.locale)] : []), ...(p.email && p.name ? [p.email] : []),
    ...(p.vat_id ? [`${m.vat_id}${m.colon}${p.vat_id}`] : []),
  ];
  const sellerBottom = party(m.seller, partyLines(content.seller), MARGIN);
  const buyerBottom = content.kind === 'receipt' && !content.buyer.name ? partiesTop : party(m.buyer, partyLines(content.buyer), MARGIN + CONTENT_WIDTH / 2);

  // Lines.
  const columns = [
    { title: m.description, width: 180, align: 'left' as const },
    { title: m.quantity, width: 45, align: 'right' as const },
    { title: content.prices === 'inclusive' ? m.unit_price_incl : m.unit_price_excl, width: 130, align: 'right' as const },
    { title: m.vat_rate, width: 45, align: 'right' as const },
    { title: m.amount, width: CONTENT_WIDTH - 400, align: 'right' as const },
  ];
  const row = (cells: string[], top: number, font: 'regular' | 'bold') => {
    let x = MARGIN;
    let bottom = top;
    cells.forEach((cell, index) => {
      const column = columns[index];
      doc.font(font).fontSize(9).fillColor('black').text(cell, x + 4, top, { width: column.width - 8, align: column.align });
      bottom = Math.max(bottom, doc.y);
      x += column.width;
    });
    return bottom;
  };
  let tableTop = Math.max(sellerBottom, buyerBottom) + 30;
  const headerHeight = Math.max(...columns.map((column) => doc.font('bold').fontSize(9).heightOfString(column.title, { width: column.width - 8 })));
  doc.rect(MARGIN, tableTop - 5, CONTENT_WIDTH, headerHeight + 10).fill('#eeeeee');
  tableTop = row(columns.map((column) => column.title), tableTop, 'bold') + 10;
  for (const line of content.lines) {
    const amount = content.prices === 'inclusive' ? line.total : line.net;
    tableTop = row([line.description, String(line.quantity), money(line.unit_amount), formatPercent(line.tax_rate, content.locale), money(amount)], tableTop, 'regular') + 6;
    doc.moveTo(MARGIN, tableTop - 3).lineTo(MARGIN + CONTENT_WIDTH, tableTop - 3).lineWidth(0.5).strokeColor('#cccccc').stroke();
  }

  // Totals, right-aligned under the amounts.
  const rate = content.lines[0]?.tax_rate ?? 0;
  const totals: [string, string, boolean][] = [
    [m.subtotal, money(content.subtotal), false],
    [fillMessage(m.vat_total, { rate: formatPercent(rate, content.locale) }), money(content.tax), false],
    [m.total, money(content.total), true],
  ];
  let totalsTop = tableTop + 10;
  for (const [label, value, strong] of totals) {
    doc.font(strong ? 'bold' : 'regular').fontSize(strong ? 11 : 10).fillColor('black');
    doc.text(label, MARGIN + CONTENT_WIDTH - 300, totalsTop, { width: 190, align: 'right' });
    doc.text(value, MARGIN + CONTENT_WIDTH - 110, totalsTop, { width: 110, align: 'right' });
    totalsTop = doc.y + 4;
  }

  // Notes: reverse charge, how it was paid.
  doc.x = MARGIN;
  doc.y = totalsTop + 20;
  if (content.reverse_charge) doc.font('bold').fontSize(9).text(m.reverse_charge, MARGIN, undefined, { width: CONTENT_WIDTH }).moveDown(0.8);
  const facts: [string, string][] = [
    [content.kind === 'credit_note' ? m.total_credited : m.total_paid, money(content.total)],
    [m.payment_method, m[`method_${content.payment.method_type}` as keyof typeof m] ?? content.payment.method_type],
    [m.paid_on, day(content.payment.paid_at)],
    [m.payment_reference, content.payment.id],
    ...(content.refund ? [[m.refund_reference, content.refund.id] as [string, string]] : []),
  ];
  for (const [label, value] of facts) {
    doc.font('regular').fontSize(9).fillColor(GREY).text(`${label}${m.colon}`, MARGIN, undefined, { continued: true }).fillColor('black').text(value);
  }
  if (content.kind !== 'credit_note') doc.moveDown(0.8).font('bold').fontSize(10).text(m.paid_in_full, MARGIN);

  // Footer: the checksum that the stored document carries.
  doc.font('regular').fontSize(7).fillColor(GREY).text(`${m.checksum}${m.colon}sha256 ${checksum}`, MARGIN, 841.89 - MARGIN - 10, { width: CONTENT_WIDTH, align: 'center', lineBreak: false });
  doc.end();
  return done;
}

const CACHE_LIMIT = 200; // about 15 kB each
const rendered = new Map<string, Promise<Buffer>>();

/**
 * The same, kept in memory by checksum: an issued document never changes, so a PDF rendered once serves every later
 * download and resend in this process (a render costs some 200 ms of font subsetting). Oldest entries leave first.
 */
export function cachedDocumentPdf(content: DocumentContent, checksum: string): Promise<Buffer> {
  const cached = rendered.get(checksum);
  if (cached) return cached;
  const rendering = renderDocumentPdf(content, checksum);
  rendered.set(checksum, rendering);
  rendering.catch(() => rendered.delete(checksum));
  if (rendered.size > CACHE_LIMIT) rendered.delete(rendered.keys().next().value!);
  return rendering;
}
