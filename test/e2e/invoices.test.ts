import { randomBytes } from 'node:crypto';
import type { Refund } from '../../domain/refund';
import { savePaymentAndEvents } from '../../activities/payment-record-writer';
import { documentChecksum } from '../../activities/document-issuer';
import { pdfText, savePreview } from '../documents/pdf-text';
import { recordHistory } from '../support/histories';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

async function customer(details: Record<string, unknown>) {
  const id = `cus_${randomBytes(4).toString('hex')}`;
  const created = await stack.request('POST', '/v1/customers', { body: { id, email: `${id}@customer.test`, ...details } });
  expect(created.status).toBe(200);
  return created.body;
}

async function download(path: string, key = stack.merchantKey) {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe('invoices and credit notes', () => {
  it('issues a numbered, taxed invoice when a payment succeeds, as JSON and as a PDF in the customer’s language', async () => {
    const buyer = await customer({ name: 'Élodie Lefèvre', locale: 'fr-BE', country: 'FR', address: '12 rue de Rivoli\n75001 Paris', vat_id: null });
    expect(buyer).toMatchObject({ country: 'FR', address: '12 rue de Rivoli\n75001 Paris', vat_id: null });
    const payment = (await stack.createPayment({ amount: 1999, payment_method: 'pm_card_visa', customer_id: buyer.id, description: 'Entretien vélo' })).body;
    expect(payment.status).toBe('succeeded');

    const invoice = await stack.request('GET', `/v1/payments/${payment.id}/invoice`);
    expect(invoice.status).toBe(200);
    expect(invoice.body).toMatchObject({
      object: 'invoice', kind: 'invoice', number: expect.stringMatching(/^DP-\d{4}-\d{6}$/), currency: 'eur', locale: 'fr-BE',
      subtotal: 1666, tax: 333, total: 1999, tax_country: 'FR', reverse_charge: false, payment_id: payment.id,
      lines: [{ description: 'Entretien vélo', quantity: 1, unit_amount: 1999, net: 1666, tax_rate: 20, tax: 333, total: 1999 }],
      buyer: { name: 'Élodie Lefèvre', email: buyer.email, address: ['12 rue de Rivoli', '75001 Paris'], country: 'FR', vat_id: null },
      pdf_url: `${stack.apiUrl}/v1/payments/${payment.id}/invoice.pdf`,
    });
    expect(invoice.body.number.slice(3, 7)).toBe(String(new Date(invoice.body.issued_at).getUTCFullYear()));

    const pdf = await download(`/v1/payments/${payment.id}/invoice.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.headers.get('etag')).toBe(`"${invoice.body.checksum}"`);
    const text = await pdfText(pdf.body);
    for (const expected of ['Facture', invoice.body.number, 'Élodie Lefèvre', 'Entretien vélo', 'Total TTC', '19,99 €', '3,33 €', '16,66 €', 'TVA 20 %', 'France', invoice.body.checksum]) {
      expect(text).toContain(expected);
    }
    await savePreview(pdf.body, 'e2e-invoice-fr');

    // Regenerating renders the same document.
    const again = await download(`/v1/payments/${payment.id}/invoice.pdf`);
    expect(await pdfText(again.body)).toBe(text);
    // cache-control: undici sends no-cache with a conditional request otherwise, and no-cache always gets the full answer.
    const cached = await fetch(`${stack.apiUrl}/v1/payments/${payment.id}/invoice.pdf`, { headers: { authorization: `Bearer ${stack.merchantKey}`, 'if-none-match': `"${invoice.body.checksum}"`, 'cache-control': 'max-age=0' } });
    expect(cached.status).toBe(304);
  });

  it('reverse-charges an EU business buyer in another member state', async () => {
    const buyer = await customer({ name: 'Werkstatt Koch GmbH', locale: 'de', country: 'de', vat_id: 'DE 123.456.789' });
    expect(buyer).toMatchObject({ country: 'DE', vat_id: 'DE123456789' });
    const payment = (await stack.createPayment({ amount: 10_001, payment_method: 'pm_card_visa', customer_id: buyer.id })).body;
    const invoice = (await stack.request('GET', `/v1/payments/${payment.id}/invoice`)).body;
    expect(invoice).toMatchObject({ reverse_charge: true, tax: 0, subtotal: 10_001, total: 10_001, tax_country: 'DE' });
    const text = await pdfText((await download(`/v1/payments/${payment.id}/invoice.pdf`)).body);
    expect(text).toContain('Rechnung');
    expect(text).toContain('Reverse Charge');
    expect(text).toContain('Zahlung');
    expect(invoice.lines[0].description).toBe(`Zahlung ${payment.id}`);
  });

  it('credits a refund with a credit note that references the invoice', async () => {
    const buyer = await customer({ name: 'Joost de Vries', locale: 'nl', country: 'NL' });
    const payment = (await stack.createPayment({ amount: 12_100, payment_method: 'pm_card_visa', customer_id: buyer.id })).body;
    const invoice = (await stack.request('GET', `/v1/payments/${payment.id}/invoice`)).body;
    expect(invoice).toMatchObject({ tax: 2100, subtotal: 10_000 });

    const refund = (await stack.request<Refund>('POST', `/v1/payments/${payment.id}/refunds`, { body: { amount: 6050, reason: 'requested_by_customer' } })).body;
    const missing = await stack.request('GET', `/v1/refunds/${refund.id}/credit-note`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('credit_note_not_issued');
    await stack.request('POST', `/v1/refunds/${refund.id}/approve`, { body: { reason: 'ok' }, key: stack.adminKey });
    await waitFor(async () => ((await stack.request<Refund>('GET', `/v1/refunds/${refund.id}`)).body.status === 'succeeded' ? true : undefined), { what: 'refund' });

    const note = await stack.request('GET', `/v1/refunds/${refund.id}/credit-note`);
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({
      object: 'credit_note', kind: 'credit_note', number: expect.stringMatching(/^DPC-\d{4}-\d{6}$/), refund_id: refund.id,
      invoice_number: invoice.number, total: 6050, tax: 1050, subtotal: 5000, pdf_url: `${stack.apiUrl}/v1/refunds/${refund.id}/credit-note.pdf`,
    });
    const text = await pdfText((await download(`/v1/refunds/${refund.id}/credit-note.pdf`)).body);
    for (const expected of ['Creditnota', note.body.number, `Crediteert factuur ${invoice.number}`, '€ 60,50', refund.id]) expect(text).toContain(expected);
    const refundReceipt = await stack.mail.waitFor((m) => m.to.includes(buyer.email) && m.headers['x-durapay-template'] === 'refund_completed');
    expect(refundReceipt.text).toContain(`Uw creditnota ${note.body.number} zit als pdf in de bijlage.`);
    expect(refundReceipt.attachments.map((a) => a.filename)).toEqual([`${note.body.number}.pdf`]);
  });

  it('answers 404 with a code for a payment without an invoice, and for unknown payments', async () => {
    const failed = (await stack.createPayment({ payment_method: 'pm_card_chargeDeclined' })).body;
    expect(failed.status).toBe('failed');
    const none = await stack.request('GET', `/v1/payments/${failed.id}/invoice`);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatchObject({ code: 'invoice_not_issued', param: 'id' });
    expect((await download(`/v1/payments/${failed.id}/invoice.pdf`)).status).toBe(404);
    const unknown = await stack.request('GET', '/v1/payments/pay_nope/invoice');
    expect(unknown.body.error.code).toBe('resource_missing');
  });

  it('never takes a second number when the success is written again, and refuses to change an issued document', async () => {
    const payment = (await stack.createPayment({ amount: 777, payment_method: 'pm_card_visa' })).body;
    const invoice = (await stack.request('GET', `/v1/payments/${payment.id}/invoice`)).body;
    const [counter] = await stack.db('document_counters').where({ series: 'DP', year: Number(invoice.number.slice(3, 7)) });
    // A retried save of the succeeded payment (same version, as Temporal would retry it).
    const stored = await stack.getPayment(payment.id);
    await savePaymentAndEvents(stack.db, { payment: stored, version: 1, events: [], processedWebhookEventIds: [] });
    expect((await stack.request('GET', `/v1/payments/${payment.id}/invoice`)).body.number).toBe(invoice.number);
    const [after] = await stack.db('document_counters').where({ series: 'DP', year: counter.year });
    expect(after.last_number).toBe(counter.last_number);
    expect(await stack.db('documents').where({ payment_id: payment.id })).toHaveLength(1);

    await expect(stack.db('documents').where({ payment_id: payment.id }).update({ total: 1 })).rejects.toThrow(/immutable/);
    await expect(stack.db('documents').where({ payment_id: payment.id }).delete()).rejects.toThrow(/immutable/);
    const [row] = await stack.db('documents').where({ payment_id: payment.id });
    expect(documentChecksum(row.content)).toBe(row.checksum);
  });

  it('describes its routes exactly in the OpenAPI document', async () => {
    const { paths, components } = (await stack.request('GET', '/openapi.json', { key: null })).body;
    const ok = (path: string, method: string) => paths[path][method].responses['200'].content;
    expect(Object.keys(ok('/v1/payments/{id}/invoice', 'get'))).toEqual(['application/json']);
    expect(ok('/v1/payments/{id}/invoice', 'get')['application/json'].schema).toEqual({ $ref: '#/components/schemas/Invoice' });
    expect(ok('/v1/payments/{id}/invoice.pdf', 'get')).toEqual({ 'application/pdf': { schema: { type: 'string', format: 'binary' } } });
    expect(ok('/v1/refunds/{id}/credit-note', 'get')['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreditNote' });
    expect(Object.keys(ok('/v1/refunds/{id}/credit-note.pdf', 'get'))).toEqual(['application/pdf']);
    expect(Object.keys(paths['/v1/payments/{id}/invoice.pdf'].get.responses).sort()).toEqual(['200', '304', '401', '404', 'default']);
    expect(components.schemas.Invoice.required).toEqual(expect.arrayContaining(['object', 'number', 'issued_at', 'currency', 'subtotal', 'tax', 'total', 'lines', 'pdf_url']));
    expect(components.schemas.UpsertCustomerRequest.properties).toHaveProperty('vat_id');
    const send = paths['/v1/payments/{id}/invoice/send'].post;
    expect(send.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/InvoiceDelivery' });
    expect(send.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: true }));
  });

  it('attaches the invoice PDF to the receipt email, and sends a copy on request, each request its own message', async () => {
    const buyer = await customer({ name: 'Katrin Schäfer', locale: 'de', country: 'DE' });
    const payment = (await stack.createPayment({ amount: 4990, payment_method: 'pm_card_visa', customer_id: buyer.id })).body;
    const invoice = (await stack.request('GET', `/v1/payments/${payment.id}/invoice`)).body;
    const receipt = await stack.mail.waitFor((m) => m.to.includes(buyer.email) && m.headers['x-durapay-template'] === 'payment_receipt');
    expect(receipt.subject).toContain('Quittung für Ihre Zahlung über 49,90');
    expect(receipt.text.replace(/[\u00a0\u202f]/g, ' ')).toContain('Bezahlter Betrag: 49,90 €');
    expect(receipt.text).toContain(`Ihre Rechnung ${invoice.number} ist als PDF beigefügt.`);
    expect(receipt.attachments).toHaveLength(1);
    expect(receipt.attachments[0]).toMatchObject({ filename: `${invoice.number}.pdf`, contentType: 'application/pdf' });
    const attached = await pdfText(receipt.attachments[0].content);
    expect(attached).toContain(invoice.number);
    expect(attached).toContain('49,90 €');

    const key = `resend-${randomBytes(8).toString('hex')}`;
    const sent = await stack.request('POST', `/v1/payments/${payment.id}/invoice/send`, { idempotencyKey: key });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ object: 'invoice_delivery', invoice_number: invoice.number, to: buyer.email, status: 'sent' });
    await recordHistory(stack.client, `document-email-${sent.body.id}`, 'send-document-email');
    const replay = await stack.request('POST', `/v1/payments/${payment.id}/invoice/send`, { idempotencyKey: key });
    expect(replay.body).toEqual(sent.body);
    const second = await stack.request('POST', `/v1/payments/${payment.id}/invoice/send`);
    expect(second.body.id).not.toBe(sent.body.id);

    const copies = () => stack.mail.messages.filter((m) => m.to.includes(buyer.email) && m.headers['x-durapay-template'] === 'document_copy');
    await waitFor(async () => (copies().length >= 2 ? true : undefined), { what: 'two copies' });
    expect(copies()).toHaveLength(2);
    expect(new Set(copies().map((m) => m.messageId)).size).toBe(2);
    for (const copy of copies()) {
      expect(copy.subject.replace(/[\u00a0\u202f]/g, ' ')).toBe(`Ihre Rechnung ${invoice.number} (49,90 €)`);
      expect(copy.attachments.map((a) => a.filename)).toEqual([`${invoice.number}.pdf`]);
    }
  });
});
