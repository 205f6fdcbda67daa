import {
  amountLost,
  disputeFromRow,
  disputeIdFor,
  disputeWorkflowId,
  evidenceReminderAt,
  judgeDisputeUpdate,
  paymentUnderDispute,
  statusAfterWonDispute,
  type PaymentDisputeView,
} from '../../domain/dispute';
import { judgeTransition } from '../../domain/payment-status';
import { checkRefundPolicy } from '../../domain/refund';

const succeeded: PaymentDisputeView = { status: 'succeeded', amount_captured: 2500, amount_refunded: 0, dispute_id: null, dispute_status: null };

describe('dispute ids', () => {
  it('derives the same dsp_ id from the same provider dispute, and different ones otherwise', () => {
    expect(disputeIdFor('stripe', 'dp_123')).toMatch(/^dsp_[0-9a-f]{16}$/);
    expect(disputeIdFor('stripe', 'dp_123')).toBe(disputeIdFor('stripe', 'dp_123'));
    expect(disputeIdFor('stripe', 'dp_123')).not.toBe(disputeIdFor('stripe', 'dp_124'));
    expect(disputeIdFor('stripe', 'PP-D-1')).not.toBe(disputeIdFor('paypal', 'PP-D-1'));
    expect(disputeWorkflowId('stripe', 'dp_123')).toBe('dispute-stripe-dp_123');
  });
});

describe('judgeDisputeUpdate', () => {
  it('moves forward only', () => {
    expect(judgeDisputeUpdate('needs_response', 'under_review')).toEqual({ kind: 'apply' });
    expect(judgeDisputeUpdate('needs_response', 'won')).toEqual({ kind: 'apply' });
    expect(judgeDisputeUpdate('under_review', 'lost')).toEqual({ kind: 'apply' });
    expect(judgeDisputeUpdate('under_review', 'needs_response')).toEqual({ kind: 'ignore', reason: 'backward' });
    expect(judgeDisputeUpdate('needs_response', 'needs_response')).toEqual({ kind: 'ignore', reason: 'same_status' });
  });

  it('never reopens nor flips a closed dispute (created arriving after closed, a second outcome)', () => {
    expect(judgeDisputeUpdate('lost', 'needs_response')).toEqual({ kind: 'ignore', reason: 'after_final' });
    expect(judgeDisputeUpdate('won', 'lost')).toEqual({ kind: 'ignore', reason: 'after_final' });
  });
});

describe('paymentUnderDispute', () => {
  it('marks a final payment disputed and remembers what it was', () => {
    expect(paymentUnderDispute(succeeded, { id: 'dsp_1', status: 'needs_response', statusBefore: null })).toEqual({
      kind: 'update', status: 'disputed', disputeStatus: 'needs_response', statusBefore: 'succeeded',
    });
    expect(paymentUnderDispute({ ...succeeded, status: 'partially_refunded', amount_refunded: 500 }, { id: 'dsp_1', status: 'needs_response', statusBefore: null }))
      .toMatchObject({ status: 'disputed', statusBefore: 'partially_refunded' });
  });

  it('waits while the payment workflow still owns the payment', () => {
    expect(paymentUnderDispute({ ...succeeded, status: 'processing' }, { id: 'dsp_1', status: 'needs_response', statusBefore: null })).toEqual({ kind: 'wait' });
    expect(paymentUnderDispute({ ...succeeded, status: 'requires_capture' }, { id: 'dsp_1', status: 'lost', statusBefore: null })).toEqual({ kind: 'wait' });
  });

  it('changes nothing when the payment already shows the dispute as it is', () => {
    const marked: PaymentDisputeView = { ...succeeded, status: 'disputed', dispute_id: 'dsp_1', dispute_status: 'needs_response' };
    expect(paymentUnderDispute(marked, { id: 'dsp_1', status: 'needs_response', statusBefore: 'succeeded' })).toEqual({ kind: 'unchanged' });
  });

  it('keeps a lost dispute disputed and puts a won one back', () => {
    const marked: PaymentDisputeView = { ...succeeded, status: 'disputed', dispute_id: 'dsp_1', dispute_status: 'under_review' };
    expect(paymentUnderDispute(marked, { id: 'dsp_1', status: 'lost', statusBefore: 'succeeded' })).toMatchObject({ kind: 'update', status: 'disputed', disputeStatus: 'lost' });
    expect(paymentUnderDispute(marked, { id: 'dsp_1', status: 'won', statusBefore: 'succeeded' })).toMatchObject({ kind: 'update', status: 'succeeded', disputeStatus: 'won' });
  });

  it('records a dispute that closed before the payment ever showed it', () => {
    expect(paymentUnderDispute(succeeded, { id: 'dsp_1', status: 'lost', statusBefore: null })).toMatchObject({ kind: 'update', status: 'disputed', disputeStatus: 'lost', statusBefore: 'succeeded' });
    expect(paymentUnderDispute(succeeded, { id: 'dsp_1', status: 'won', statusBefore: null })).toMatchObject({ kind: 'update', status: 'succeeded', disputeStatus: 'won' });
  });
});

describe('statusAfterWonDispute', () => {
  it('returns to the earlier status, recomputed when refunds completed meanwhile', () => {
    expect(statusAfterWonDispute('succeeded', 2500, 0)).toBe('succeeded');
    expect(statusAfterWonDispute('succeeded', 2500, 1000)).toBe('partially_refunded');
    expect(statusAfterWonDispute('partially_refunded', 2500, 2500)).toBe('refunded');
  });
});

describe('amounts and reminders', () => {
  it('counts the amount as lost only once lost', () => {
    expect(amountLost('lost', 4200)).toBe(4200);
    expect(amountLost('won', 4200)).toBe(0);
    expect(amountLost('needs_response', 4200)).toBe(0);
  });

  it('reminds the configured hours before evidence is due, or not at all when that moment has passed', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(evidenceReminderAt('2026-11-29T10:00:00Z', 48, now)).toBe(Date.parse('2026-11-27T10:00:00Z'));
    expect(evidenceReminderAt('2026-11-23T10:00:00Z', 48, now)).toBeNull();
    expect(evidenceReminderAt(null, 48, now)).toBeNull();
  });
});

describe('payment rules around disputes', () => {
  it('never lets a provider state move a disputed payment, and keeps existing forward-only rules', () => {
    expect(judgeTransition('disputed', 'succeeded')).toEqual({ kind: 'ignore', reason: 'after_final' });
    expect(judgeTransition('succeeded', 'disputed')).toEqual({ kind: 'ignore', reason: 'after_final' });
    expect(judgeTransition('processing', 'succeeded')).toEqual({ kind: 'apply' });
  });

  it('refuses refunds of a disputed payment with payment_disputed', () => {
    const verdict = checkRefundPolicy({
      payment: { status: 'disputed', amount_captured: 2500, amount_refunded: 0, created_at: new Date().toISOString() },
      reservedByOthers: 0, requestedAmount: null, now: Date.now(), windowDays: 30,
    });
    expect(verdict).toMatchObject({ ok: false, kind: 'state_conflict', code: 'payment_disputed' });
  });
});

describe('disputeFromRow', () => {
  it('shapes a row for the API', () => {
    const dispute = disputeFromRow({
      id: 'dsp_1', provider: 'stripe', provider_dispute_id: 'dp_1', provider_payment_id: 'pi_1', payment_id: 'pay_1', amount: '2500',
      currency: 'eur', reason: 'fraudulent', status: 'lost', evidence_due_by: new Date('2026-11-29T10:00:00Z'), amount_lost: '2500',
      provider_url: null, created_at: new Date('2026-11-22T10:00:00Z'), updated_at: new Date('2026-11-22T11:00:00Z'), closed_at: null,
    });
    expect(dispute).toMatchObject({ object: 'dispute', amount: 2500, amount_lost: 2500, evidence_due_by: '2026-11-29T10:00:00.000Z', closed_at: null });
  });
});
