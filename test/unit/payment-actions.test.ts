import { actionsFor } from '../../domain/payment-actions';

const payment = (overrides: Partial<Parameters<typeof actionsFor>[0]>) => ({ status: 'succeeded' as const, provider: 'stripe', next_retry_at: null, dispute: null, ...overrides });

describe('actionsFor: the console offers only commands that fit the state', () => {
  it('offers capture and cancel for an authorization', () => {
    expect(actionsFor(payment({ status: 'requires_capture' }))).toEqual(['capture', 'cancel']);
  });

  it('offers the risk decision for a held payment', () => {
    expect(actionsFor(payment({ status: 'requires_review' }))).toEqual(['review']);
  });

  it('offers mark received only for offline payments still pending', () => {
    expect(actionsFor(payment({ status: 'pending', provider: 'offline' }))).toEqual(['mark_received', 'cancel']);
    expect(actionsFor(payment({ status: 'pending', provider: 'stripe' }))).toEqual(['cancel']);
  });

  it('offers retry for failed provider payments, and calling off a scheduled retry', () => {
    expect(actionsFor(payment({ status: 'failed' }))).toEqual(['retry']);
    expect(actionsFor(payment({ status: 'failed', next_retry_at: '2026-11-30T10:00:00Z' }))).toEqual(['retry', 'call_off_retry']);
    expect(actionsFor(payment({ status: 'failed', provider: 'offline' }))).toEqual([]);
  });

  it('offers a refund request for paid payments, not disputed ones', () => {
    expect(actionsFor(payment({ status: 'partially_refunded' }))).toEqual(['refund']);
    expect(actionsFor(payment({ status: 'succeeded', dispute: { id: 'dsp_1', status: 'needs_response', amount: 1, amount_lost: 0 } }))).toEqual([]);
  });

  it('offers nothing once a payment is over', () => {
    for (const status of ['canceled', 'refunded', 'disputed', 'processing'] as const) expect(actionsFor(payment({ status }))).toEqual([]);
  });
});
