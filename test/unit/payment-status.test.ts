import { canCancel, canCapture, canTransition, judgeTransition, PAYMENT_STATUSES, statusesFrom, TERMINAL_STATUSES } from '../../domain/payment-status';

describe('payment state machine', () => {
  it('lists where a payment can be later, itself included', () => {
    expect(statusesFrom('succeeded').sort()).toEqual(['partially_refunded', 'refunded', 'succeeded']);
    expect(statusesFrom('requires_action').sort()).toEqual(['canceled', 'failed', 'partially_refunded', 'processing', 'refunded', 'requires_action', 'requires_capture', 'succeeded']);
    expect(statusesFrom('pending')).toContain('requires_review');
    expect(statusesFrom('pending', ['requires_review'])).not.toContain('requires_review');
    expect(statusesFrom('failed')).toEqual(['failed']);
  });

  it('moves forward from pending to every later status', () => {
    for (const to of ['requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled'] as const) {
      expect(canTransition('pending', to)).toBe(true);
    }
  });

  it('leaves a final status only for refund statuses', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const to of PAYMENT_STATUSES) {
        expect(canTransition(from, to)).toBe((from === 'succeeded' && (to === 'partially_refunded' || to === 'refunded')) || (from === 'partially_refunded' && to === 'refunded'));
      }
    }
    expect(judgeTransition('succeeded', 'refunded')).toEqual({ kind: 'ignore', reason: 'after_final' });
  });

  it('never moves backward', () => {
    expect(canTransition('processing', 'pending')).toBe(false);
    expect(canTransition('processing', 'requires_action')).toBe(false);
    expect(canTransition('requires_capture', 'requires_action')).toBe(false);
  });

  it('judges late, duplicate and backward observations as ignored, with a reason', () => {
    expect(judgeTransition('succeeded', 'processing')).toEqual({ kind: 'ignore', reason: 'after_final' });
    expect(judgeTransition('processing', 'processing')).toEqual({ kind: 'ignore', reason: 'same_status' });
    expect(judgeTransition('processing', 'requires_action')).toEqual({ kind: 'ignore', reason: 'backward' });
    expect(judgeTransition('requires_action', 'succeeded')).toEqual({ kind: 'apply' });
  });

  it('allows capture only when authorized, and cancel only before completion', () => {
    expect(PAYMENT_STATUSES.filter(canCapture)).toEqual(['requires_capture']);
    expect(PAYMENT_STATUSES.filter(canCancel)).toEqual(['pending', 'requires_review', 'requires_action', 'requires_capture']);
  });
});
