import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from '../../domain/money';
import { CurrencyCode, CustomerId, EmailAddress } from './common-schemas';
import { PAYMENT_STATUSES } from '../../domain/payment-status';
import { PaymentDisputeReferenceSchema } from './dispute-schemas';
import { PAYMENT_METHOD_TYPES } from '../../domain/payment-method-choice';

const metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((value) => Object.keys(value).length <= 50, 'metadata holds at most 50 keys')
  .refine((value) => !Object.keys(value).some((key) => key.startsWith('durapay_')), 'metadata keys starting with durapay_ are reserved')
  .meta({ propertyNames: { minLength: 1, maxLength: 40, not: { pattern: '^durapay_' } }, maxProperties: 50 });

/** Only web addresses: a javascript: or data: URL would run in the customer's browser after 3-D Secure. */
const returnUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .meta({ pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+', description: 'Where the customer lands after 3-D Secure (http or https).' })
  .optional();

export const CreatePaymentBody = z
  .strictObject({
    amount: z.number().int().positive().max(MAX_AMOUNT_MINOR).describe('Positive integer in the currency\'s minor units (cents for EUR, yen for JPY).'),
    currency: CurrencyCode,
    payment_method: z
      .string()
      .regex(/^(pm|tok|card|src|dpm)_[A-Za-z0-9_]+$/, 'must be a provider token such as pm_card_visa, or a saved method dpm_...')
      .max(255)
      .optional()
      .describe('A card token (pm_card_visa) or a saved method (dpm_...). Not needed for PayPal, cash or bank transfer.'),
    payment_method_type: z.enum(PAYMENT_METHOD_TYPES).optional(),
    provider: z.enum(['stripe', 'paypal']).optional(),
    use_default_payment_method: z.boolean().optional().describe("Pay with the customer's default saved method (needs customer_id)."),
    capture_method: z.enum(['automatic', 'manual']).default('automatic'),
    customer_id: CustomerId.optional(),
    receipt_email: EmailAddress.optional().describe('Where the receipt goes when the customer has no email on file.'),
    description: z.string().max(1000).optional(),
    metadata: metadata.optional(),
    return_url: returnUrl,
    payer_ip: z.union([z.ipv4(), z.ipv6()]).optional().describe("The payer's IP address as your backend saw it; checked against the IP block list."),
  })
  .refine((body) => !body.use_default_payment_method || body.customer_id, { message: 'use_default_payment_method needs customer_id', path: ['customer_id'] })
  .meta({ id: 'CreatePaymentRequest' });
export type CreatePaymentBody = z.infer<typeof CreatePaymentBody>;

export const CapturePaymentBody = z
  .strictObject({ amount_to_capture: z.number().int().positive().max(MAX_AMOUNT_MINOR).optional() })
  .meta({ id: 'CapturePaymentRequest' });

export const RetryPaymentBody = z
  .strictObject({
    payment_method: CreatePaymentBody.shape.payment_method.describe('Another card token (pm_card_visa) or saved method (dpm_...); by default the failed attempt\'s method.'),
    return_url: returnUrl,
  })
  .meta({ id: 'RetryPaymentRequest' });
export type RetryPaymentBody = z.infer<typeof RetryPaymentBody>;

export const CancelPaymentBody = z
  .strictObject({ cancellation_reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned']).optional() })
  .meta({ id: 'CancelPaymentRequest' });

export const MarkSucceededBody = z
  .strictObject({
    received_amount: z.number().int().positive().max(MAX_AMOUNT_MINOR).optional(),
    reference: z.string().max(140).optional(),
  })
  .meta({ id: 'MarkPaymentSucceededRequest' });

/** `metadata[building_id]=b7`: payments whose metadata holds every pair given (a deepObject query parameter). */
const METADATA_KEY = /^[A-Za-z0-9_.-]{1,40}$/;
export const MetadataFilter = z
  .record(z.string().regex(METADATA_KEY), z.string().max(500))
  .refine((pairs) => Object.keys(pairs).length <= 10, 'At most 10 metadata pairs.')
  .optional()
  .meta({
    description: 'Only payments whose metadata has all these key/value pairs, e.g. metadata[building_id]=b7.',
    propertyNames: { type: 'string', pattern: METADATA_KEY.source },
    maxProperties: 10,
    param: { style: 'deepObject', explode: true },
  });
/** A UTC date (the whole day) or an ISO 8601 time with its offset. */
const moment = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const minorUnits = z.coerce.number().int().min(0).max(MAX_AMOUNT_MINOR);

export const ListPaymentsQuery = z.strictObject({
  customer_id: z.string().optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  provider_payment_id: z.string().optional(),
  provider: z.string().optional(),
  payment_method_type: z.enum(PAYMENT_METHOD_TYPES).optional(),
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a lowercase three-letter ISO 4217 code').optional(),
  amount_gte: minorUnits.optional().describe('Minor units, inclusive'),
  amount_lte: minorUnits.optional().describe('Minor units, inclusive'),
  created_gte: moment.optional().describe('Created at or after: a UTC date (from its start) or an ISO 8601 time'),
  created_lte: moment.optional().describe('Created at or before: a UTC date (to its end) or an ISO 8601 time'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().optional(),
  metadata: MetadataFilter,
});

const NextActionSchema = z.object({
  type: z.literal('redirect_to_url'),
  redirect_to_url: z.object({ url: z.string(), return_url: z.string().nullable() }),
});

export const PaymentSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment'),
    status: z.enum(PAYMENT_STATUSES),
    amount: z.number().int(),
    currency: z.string(),
    capture_method: z.enum(['automatic', 'manual']),
    amount_captured: z.number().int(),
    amount_refunded: z.number().int(),
    provider: z.string(),
    provider_payment_id: z.string().nullable(),
    payment_method: z.string().nullable(),
    payment_method_type: z.enum(PAYMENT_METHOD_TYPES),
    saved_payment_method_id: z.string().nullable(),
    instructions: z
      .object({
        type: z.enum(['bank_transfer', 'cash']), iban: z.string().nullable(), bic: z.string().nullable(),
        beneficiary: z.string().nullable(), reference: z.string(), expires_at: z.string(),
      })
      .nullable(),
    client_secret: z.string().nullable(),
    next_action: NextActionSchema.nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    failure_details: z
      .object({ provider_code: z.string().nullable(), provider_decline_code: z.string().nullable(), provider_message: z.string().nullable() })
      .nullable(),
    customer_id: z.string().nullable(),
    receipt_email: z.string().nullable(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: z.string(),
    updated_at: z.string(),
    /** Set once a payer disputes the payment (GET /v1/disputes/:id has the rest). */
    dispute: PaymentDisputeReferenceSchema.nullable().optional(),
    attempt_count: z.number().int().describe('Which attempt the payment is on: 1, or more once retried.'),
    previous_attempts: z
      .array(z.object({
        attempt: z.number().int(), payment_method: z.string().nullable(), payment_method_type: z.enum(PAYMENT_METHOD_TYPES),
        provider_payment_id: z.string().nullable(), failure_code: z.string().nullable(), failure_message: z.string().nullable(), failed_at: z.string(),
      }))
      .describe('The failed attempts before the current one, oldest first.'),
    next_retry_at: z.string().nullable().describe('When an automatic retry is due; null when none is scheduled.'),
  })
  .meta({ id: 'Payment' });

export const PaymentListSchema = z
  .object({ object: z.literal('list'), data: z.array(PaymentSchema), has_more: z.boolean() })
  .meta({ id: 'PaymentList' });

export const PaymentEventSchema = z
  .object({
    id: z.number().int(),
    payment_id: z.string(),
    type: z.string(),
    from_status: z.string().nullable(),
    to_status: z.string().nullable(),
    source: z.enum(['api', 'webhook', 'sync', 'workflow']),
    actor: z.string(),
    data: z.record(z.string(), z.unknown()),
    occurred_at: z.string(),
  })
  .meta({ id: 'PaymentEvent' });

export const PaymentEventListSchema = z
  .object({ object: z.literal('list'), data: z.array(PaymentEventSchema), has_more: z.boolean() })
  .meta({ id: 'PaymentEventList' });
