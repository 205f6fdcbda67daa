import { z } from 'zod';
import { DISPUTE_STATUSES } from '../../domain/dispute';

export const ListDisputesQuery = z.strictObject({
  payment_id: z.string().optional(),
  status: z.enum(DISPUTE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().optional(),
});

export const DisputeSchema = z
  .object({
    id: z.string(),
    object: z.literal('dispute'),
    payment_id: z.string().nullable(),
    provider: z.string(),
    provider_dispute_id: z.string(),
    provider_payment_id: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    reason: z.string(),
    status: z.enum(DISPUTE_STATUSES),
    evidence_due_by: z.string().nullable(),
    amount_lost: z.number().int(),
    provider_url: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    closed_at: z.string().nullable(),
  })
  .meta({ id: 'Dispute' });

export const DisputeListSchema = z
  .object({ object: z.literal('list'), data: z.array(DisputeSchema), has_more: z.boolean() })
  .meta({ id: 'DisputeList' });

/** What a payment shows of its dispute. */
export const PaymentDisputeReferenceSchema = z
  .object({ id: z.string(), status: z.enum(DISPUTE_STATUSES), amount: z.number().int(), amount_lost: z.number().int() })
  .meta({ id: 'PaymentDisputeReference' });
