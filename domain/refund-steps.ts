import type { DomainRefusal } from './errors';
import type { Refund, RefundStatus } from './refund';

/**
 * The steps people take on a refund (by the API's Updates, or by signal from the Temporal UI or CLI), and the one rule
 * each follows. The refund workflow's Update validators, its signal handlers and the API's answer for a refund whose
 * workflow has closed all judge with judgeRefundStep, so the rule is written once.
 */
export type RefundStepName = 'approve' | 'deny' | 'appeal' | 'alternative_method' | 'transfer_sent';

export type RefundStepVerdict =
  /** The refund waits for this step: it is taken. */
  | { verdict: 'take' }
  /** It happened already: a repeated request gets the refund as it is. */
  | { verdict: 'done' }
  | { verdict: 'refuse'; refusal: DomainRefusal };

const WAITS_IN: Record<RefundStepName, RefundStatus> = {
  approve: 'pending_review',
  deny: 'pending_review',
  appeal: 'denied',
  alternative_method: 'requires_alternative_method',
  transfer_sent: 'awaiting_manual_transfer',
};

function alreadyDone(refund: Pick<Refund, 'status' | 'decided_by'>, step: RefundStepName): boolean {
  switch (step) {
    case 'approve':
      return refund.decided_by !== null && refund.status !== 'denied' && refund.status !== 'pending_review';
    case 'deny':
      return refund.status === 'denied';
    case 'appeal':
      return false; // a used appeal is refused as such, below
    case 'alternative_method':
      return refund.status === 'awaiting_manual_transfer' || refund.status === 'succeeded';
    case 'transfer_sent':
      return refund.status === 'succeeded';
  }
}

export function judgeRefundStep(
  refund: Pick<Refund, 'status' | 'decided_by' | 'appeal_count'>,
  step: RefundStepName,
  input: { reason?: string | null } = {},
): RefundStepVerdict {
  if (step === 'appeal' && refund.appeal_count >= 1) {
    return { verdict: 'refuse', refusal: { kind: 'state_conflict', code: 'appeal_already_used', message: 'This refund has already been appealed once.' } };
  }
  if (alreadyDone(refund, step)) return { verdict: 'done' };
  if (refund.status !== WAITS_IN[step]) {
    return {
      verdict: 'refuse',
      refusal: { kind: 'state_conflict', code: 'refund_unexpected_state', message: `This refund is ${refund.status}; that step needs ${WAITS_IN[step]}.` },
    };
  }
  // The customer is told why: a denial without a reason (from the CLI, say) is refused like the API's.
  if (step === 'deny' && !input.reason?.trim()) {
    return { verdict: 'refuse', refusal: { kind: 'invalid_input', code: 'parameter_missing', param: 'reason', message: 'Denying a refund needs a reason.' } };
  }
  return { verdict: 'take' };
}
