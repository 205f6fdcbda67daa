import { z } from 'zod';
import { BLOCKLIST_KINDS } from '../../domain/risk';
import { NOT_BLANK } from './common-schemas';

export const ReviewPaymentBody = z
  .strictObject({
    decision: z.enum(['approve', 'block']),
    reason: z.string().trim().min(1).max(1000).meta({ pattern: NOT_BLANK }).optional().describe('Required to block.'),
  })
  .refine((body) => body.decision !== 'block' || body.reason, { message: 'a reason is required to block', path: ['reason'] })
  .meta({ id: 'ReviewPaymentRequest' });

export const ConfirmFraudBody = z.strictObject({ reason: z.string().trim().min(1).max(1000).meta({ pattern: NOT_BLANK }) }).meta({ id: 'ConfirmFraudRequest' });

const FindingSchema = z.object({
  rule: z.enum(['blocklist', 'customer_flagged', 'velocity', 'amount', 'provider_risk']),
  outcome: z.enum(['review', 'block']),
  figures: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
});

export const ReviewSchema = z
  .object({
    id: z.string(),
    object: z.literal('review'),
    payment_id: z.string(),
    kind: z.enum(['pre_provider', 'provider_risk']),
    status: z.enum(['open', 'approved', 'blocked', 'expired', 'canceled']),
    findings: z.array(FindingSchema),
    opened_at: z.string(),
    expires_at: z.string().nullable(),
    decided_by: z.string().nullable(),
    decided_at: z.string().nullable(),
    decision_reason: z.string().nullable(),
    payment: z.object({ amount: z.number().int(), currency: z.string(), status: z.string(), customer_id: z.string().nullable(), provider: z.string() }),
  })
  .meta({ id: 'Review' });

export const ListReviewsQuery = z.strictObject({
  status: z.enum(['open', 'approved', 'blocked', 'expired', 'canceled']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  starting_after: z.string().max(255).optional(),
});

export const BlocklistEntryBody = z
  .strictObject({ kind: z.enum(BLOCKLIST_KINDS), value: z.string().trim().min(1).max(255).meta({ pattern: NOT_BLANK }), reason: z.string().max(1000).optional() })
  .meta({ id: 'CreateBlocklistEntryRequest' });

export const BlocklistEntrySchema = z
  .object({
    id: z.string(), object: z.literal('blocklist_entry'), kind: z.enum(BLOCKLIST_KINDS), value: z.string(),
    reason: z.string().nullable(), created_by: z.string(), created_at: z.string(),
  })
  .meta({ id: 'BlocklistEntry' });

export const ListBlocklistQuery = z.strictObject({ kind: z.enum(BLOCKLIST_KINDS).optional() });

export const PauseBody = z
  .strictObject({
    scope: z.union([z.literal('all'), z.string().regex(/^provider:(stripe|paypal)$/)]).describe('"all", "provider:stripe" or "provider:paypal"'),
    reason: z.string().trim().min(1).max(1000).meta({ pattern: NOT_BLANK }),
  })
  .meta({ id: 'PauseRequest' });

export const PauseSchema = z
  .object({
    id: z.string(), object: z.literal('pause'), scope: z.string(), reason: z.string(), started_by: z.string(), started_at: z.string(),
    ended_by: z.string().nullable(), ended_at: z.string().nullable(),
  })
  .meta({ id: 'Pause' });
