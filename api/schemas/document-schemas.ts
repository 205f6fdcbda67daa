import { z } from 'zod';

const Party = z.object({
  name: z.string().nullable(),
  address: z.array(z.string()),
  country: z.string().nullable().describe('ISO 3166-1 alpha-2'),
  vat_id: z.string().nullable(),
});

const DocumentLine = z.object({
  description: z.string(),
  quantity: z.number().int(),
  unit_amount: z.number().int().describe('Minor units, including VAT when prices is inclusive, excluding it when exclusive'),
  net: z.number().int().describe('Minor units without VAT'),
  tax_rate: z.number().describe('Percent'),
  tax: z.number().int(),
  total: z.number().int().describe('Minor units with VAT'),
});

const documentFields = {
  id: z.string(),
  number: z.string().describe('Gap-free per series and year, e.g. DP-2026-000123'),
  issued_at: z.string(),
  locale: z.string().describe("The customer's locale when issued: the document's language"),
  currency: z.string(),
  subtotal: z.number().int().describe('Minor units without VAT'),
  tax: z.number().int(),
  total: z.number().int(),
  prices: z.enum(['inclusive', 'exclusive']),
  tax_country: z.string(),
  reverse_charge: z.boolean(),
  lines: z.array(DocumentLine),
  seller: Party,
  buyer: Party.extend({ email: z.string().nullable() }),
  payment_id: z.string(),
  checksum: z.string().describe('sha256 of the canonical JSON of the frozen document content'),
  pdf_url: z.string(),
};

export const InvoiceSchema = z
  .object({ object: z.literal('invoice'), kind: z.enum(['invoice', 'receipt']), ...documentFields })
  .meta({ id: 'Invoice' });

export const CreditNoteSchema = z
  .object({
    object: z.literal('credit_note'), kind: z.literal('credit_note'), ...documentFields,
    refund_id: z.string(), invoice_number: z.string().describe('The invoice this credit note corrects'),
  })
  .meta({ id: 'CreditNote' });

export const PdfSchema = z.string().meta({ format: 'binary' });

export const InvoiceDeliverySchema = z
  .object({
    object: z.literal('invoice_delivery'),
    id: z.string().describe('This send; the same for a retried request with the same Idempotency-Key'),
    invoice_number: z.string(),
    to: z.string(),
    status: z.enum(['sent', 'failed']).describe('failed: the mail server refused the message for good (an alert is raised)'),
  })
  .meta({ id: 'InvoiceDelivery' });
