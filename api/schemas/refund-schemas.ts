import { z } from 'zod';
import { CustomerId, EmailAddress, Iban, NOT_BLANK } from './common-schemas';
import { isValidIban } from '../../domain/iban';
import { MAX_AMOUNT_MINOR } from '../../domain/money';
import { REFUND_REASONS, REFUND_STATUSES } from '../../domain/refund';

export const CreateRefundBody = z
  .strictObject({
    amount: z.number().int().positive().max(MAX_AMOUNT_MINOR).optional().describe('Minor units; without it the whole refundable remainder.'),
    reason: z.enum(REFUND_REASONS),
    details: z.string().max(2000).optional(),
  })
  .meta({ id: 'CreateRefundRequest' });

export const ApproveRefundBody = z.strictObject({ reason: z.string().max(1000).optional() }).meta({ id: 'ApproveRefundRequest' });
// The customer is told why: a blank reason is malformed in the document too (schemathesis sends it as valid otherwise).
export const DenyRefundBody = z.strictObject({ reason: z.string().trim().min(1).max(1000).meta({ pattern: NOT_BLANK }) }).meta({ id: 'DenyRefundRequest' });
export const AppealRefundBody = z.strictObject({ details: z.string().min(1).max(2000) }).meta({ id: 'AppealRefundRequest' });
export const AlternativeMethodBody = z
  .strictObject({
    iban: Iban,
    account_holder_name: z.string().min(1).max(140),
  })
  .meta({ id: 'AlternativeRefundMethodRequest' });
export const MarkSentBody = z.strictObject({ reference: z.string().max(140).optional() }).meta({ id: 'MarkRefundSentRequest' });

export { isValidIban };

export const ListRefundsQuery = z.strictObject({
  status: z.enum(REFUND_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().optional(),
});

export const RefundSchema = z
  .object({
    id: z.string(),
    object: z.literal('refund'),
    payment_id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.enum(REFUND_REASONS),
    details: z.string().nullable(),
    status: z.enum(REFUND_STATUSES),
    requested_at: z.string(),
    decided_by: z.string().nullable(),
    decided_at: z.string().nullable(),
    decision_reason: z.string().nullable(),
    provider_refund_id: z.string().nullable(),
    completed_at: z.string().nullable(),
    failure_message: z.string().nullable(),
    appeal_count: z.number().int(),
    alternative_method: z
      .object({ type: z.literal('bank_transfer'), iban: z.string().optional(), iban_last4: z.string(), account_holder_name: z.string(), reference: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: 'Refund' });

export const RefundListSchema = z.object({ object: z.literal('list'), data: z.array(RefundSchema), has_more: z.boolean() }).meta({ id: 'RefundList' });

export const UpsertCustomerBody = z
  .strictObject({
    id: CustomerId.describe("The merchant's own id for the customer."),
    email: EmailAddress,
    name: z.string().max(255).optional(),
    locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must look like en or fr-BE').default('en'),
    address: z.string().max(500).nullish().describe('Postal address for invoices; lines separated by newlines'),
    country: z.string().regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166 country code such as BE').transform((code) => code.toUpperCase()).nullish()
      .describe("ISO 3166-1 alpha-2: picks the invoice's VAT rate"),
    vat_id: z.string().max(32).transform((id) => id.replace(/[\s.-]/g, '').toUpperCase()).nullish()
      .describe('VAT number of a business buyer; in another EU member state than the seller, invoices are reverse-charged'),
  })
  .meta({ id: 'UpsertCustomerRequest' });

export const CustomerSchema = z
  .object({
    id: z.string(), object: z.literal('customer'), email: z.string().nullable(), name: z.string().nullable(), locale: z.string(),
    address: z.string().nullable(), country: z.string().nullable(), vat_id: z.string().nullable(), created_at: z.string(), updated_at: z.string(),
  })
  .meta({ id: 'Customer' });
