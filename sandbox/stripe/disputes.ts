import type { SandboxCore } from './core';
import { invalidRequest, resourceMissing } from './errors';
import type { Operation } from './events';
import { newId, nowSeconds } from './ids';
import type { Dispute } from './types';

export function getDispute(core: SandboxCore, id: string): Dispute {
  const dispute = core.store.disputes.get(id);
  if (!dispute) throw resourceMissing('dispute', id);
  return dispute;
}

/** A pm_card_createDispute charge succeeded: its payer disputes it after core.disputeDelayMs. */
export function planDispute(core: SandboxCore, chargeId: string): void {
  core.store.disputesToOpen.set(chargeId, Date.now() + core.disputeDelayMs);
  core.store.changed();
  core.scheduleDispute(chargeId);
}

/** The payer disputes the whole charge as fraudulent, like Stripe's test card does: charge.dispute.created. */
export function openDispute(core: SandboxCore, op: Operation, chargeId: string): Dispute | null {
  core.store.disputesToOpen.delete(chargeId);
  const charge = core.store.charges.get(chargeId);
  if (!charge || charge.disputed || charge.status !== 'succeeded') {
    core.store.changed();
    return null;
  }
  const created = nowSeconds();
  const dispute: Dispute = {
    id: newId('dp'),
    object: 'dispute',
    amount: charge.amount_captured - charge.amount_refunded,
    currency: charge.currency,
    charge: charge.id,
    payment_intent: charge.payment_intent,
    reason: 'fraudulent',
    status: 'needs_response',
    evidence_details: { due_by: created + core.disputeEvidenceDueSeconds, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false,
    metadata: {},
    created,
    livemode: false,
  };
  core.store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  op.emit('charge.dispute.created', dispute);
  core.store.changed();
  return dispute;
}

/** The card network's decision (POST /_sandbox/disputes/:id/close): charge.dispute.closed, won or lost. */
export function closeDispute(core: SandboxCore, op: Operation, id: string, outcome: unknown): Dispute {
  const dispute = getDispute(core, id);
  if (outcome !== 'won' && outcome !== 'lost') throw invalidRequest('outcome must be "won" or "lost".', 'parameter_invalid', 'outcome');
  if (dispute.status === 'won' || dispute.status === 'lost') {
    throw invalidRequest(`Dispute ${id} is already closed (${dispute.status}).`, 'dispute_already_closed');
  }
  dispute.status = outcome;
  op.emit('charge.dispute.closed', dispute);
  core.store.changed();
  return dispute;
}
