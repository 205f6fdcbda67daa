import { z } from 'zod';
import { CustomerId, Iban } from './common-schemas';

const SaveCardBody = z
  .strictObject({
    customer_id: CustomerId,
    provider: z.enum(['stripe']).default('stripe'),
    type: z.literal('card').optional().describe('card when absent'),
    token: z.string().regex(/^(pm|tok)_[A-Za-z0-9_]+$/, 'must be a provider token such as pm_card_visa'),
  })
  .meta({ id: 'SaveCardRequest' });

const SaveSepaDebitBody = z
  .strictObject({
    customer_id: CustomerId,
    provider: z.enum(['stripe']).default('stripe'),
    type: z.literal('sepa_debit'),
    iban: Iban,
    account_holder_name: z.string().min(1).max(140),
  })
  .meta({ id: 'SaveSepaDebitRequest' });

/** A card token, or a SEPA account with its holder: `type` says which (card when absent). */
export const SavePaymentMethodBody = z.discriminatedUnion('type', [SaveCardBody, SaveSepaDebitBody]).meta({ id: 'SavePaymentMethodRequest' });

export const SavedMethodSchema = z
  .object({
    id: z.string(),
    object: z.literal('payment_method'),
    customer_id: z.string(),
    provider: z.string(),
    type: z.enum(['card', 'sepa_debit']),
    brand: z.string().nullable(),
    last4: z.string().nullable(),
    exp_month: z.number().int().nullable(),
    exp_year: z.number().int().nullable(),
    mandate_id: z.string().nullable(),
    bank_code: z.string().nullable(),
    country: z.string().nullable(),
    is_default: z.boolean(),
    active: z.boolean(),
    created_at: z.string(),
    detached_at: z.string().nullable(),
  })
  .meta({ id: 'SavedPaymentMethod' });

export const SavedMethodListSchema = z.object({ object: z.literal('list'), data: z.array(SavedMethodSchema), has_more: z.boolean() }).meta({ id: 'SavedPaymentMethodList' });

export const CustomerErasureSchema = z
  .object({ object: z.literal('customer_erasure'), customer_id: z.string(), workflow_id: z.string(), status: z.enum(['in_progress', 'completed']) })
  .meta({ id: 'CustomerErasure' });
