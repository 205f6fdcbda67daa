import { alreadyApplied, creationUnderWay, earlierState, lateProviderEvent, noNews, settledWithoutWorkflow, type StoredPaymentState } from '../../domain/late-provider-event';
import type { ProviderEvent, ProviderPaymentState } from '../../domain/provider-types';

const stored: StoredPaymentState = { status: 'succeeded', provider_payment_id: 'pi_1', amount: 1000, amount_captured: 1000, currency: 'eur' };
const state = (changes: Partial<ProviderPaymentState> = {}): ProviderPaymentState => ({
  provider: 'stripe', providerPaymentId: 'pi_1', status: 'succeeded', amount: 1000, currency: 'eur', amountCaptured: 1000, providerStatus: 'succeeded',
  clientSecret: null, nextAction: null, failure: null, paymentId: 'pay_1', ...changes,
});

describe('alreadyApplied', () => {
  it('is true only for a final payment the event reports exactly', () => {
    expect(alreadyApplied(stored, state())).toBe(true);
    expect(alreadyApplied(stored, state({ currency: 'EUR' }))).toBe(true);
    expect(alreadyApplied({ ...stored, status: 'failed', amount_captured: 0 }, state({ status: 'failed', amountCaptured: 0 }))).toBe(true);
  });

  it('leaves to the workflow whatever it would have to judge', () => {
    expect(alreadyApplied({ ...stored, status: 'requires_capture', amount_captured: 0 }, state({ status: 'requires_capture', amountCaptured: 0 }))).toBe(false);
    expect(alreadyApplied(stored, state({ providerPaymentId: 'pi_2' }))).toBe(false);
    expect(alreadyApplied(stored, state({ amountCaptured: 500 }))).toBe(false);
    expect(alreadyApplied(stored, state({ amount: 2000 }))).toBe(false);
    expect(alreadyApplied(stored, state({ currency: 'usd' }))).toBe(false);
    expect(alreadyApplied({ ...stored, status: 'failed', amount_captured: 0 }, state())).toBe(false);
    expect(alreadyApplied(stored, state({ status: 'processing' }))).toBe(false);
  });
});

describe('earlierState', () => {
  const created = state({ status: 'pending', amountCaptured: 0, providerStatus: 'requires_payment_method' });
  it('is true for a snapshot from before the payment succeeded', () => {
    expect(earlierState(stored, created)).toBe(true);
    expect(earlierState(stored, state({ status: 'requires_capture', amountCaptured: 0 }))).toBe(true);
    expect(settledWithoutWorkflow(stored, created)).toBe('earlier_state');
    expect(settledWithoutWorkflow(stored, state())).toBe('already_applied');
  });

  it('leaves to the workflow a payment not succeeded, another provider payment, other money, or a final report', () => {
    for (const status of ['failed', 'canceled', 'requires_action', 'processing'] as const) expect(earlierState({ ...stored, status, amount_captured: 0 }, created)).toBe(false);
    expect(earlierState(stored, { ...created, providerPaymentId: 'pi_2' })).toBe(false);
    expect(earlierState(stored, { ...created, amount: 2000 })).toBe(false);
    expect(earlierState(stored, { ...created, currency: 'usd' })).toBe(false);
    expect(earlierState({ ...stored, amount_captured: 500 }, { ...created, status: 'processing', amountCaptured: 800 })).toBe(false);
    expect(earlierState(stored, state({ status: 'failed', amountCaptured: 0 }))).toBe(false);
    expect(earlierState(stored, state({ status: 'canceled', amountCaptured: 0 }))).toBe(false);
    // Recorded all the same (the workflow would only note it too), by the broader rule below.
    expect(settledWithoutWorkflow(stored, state({ status: 'failed', amountCaptured: 0 }))).toBe('no_news');
  });
});

describe('noNews', () => {
  const at = (status: StoredPaymentState['status']): StoredPaymentState => ({ ...stored, status, amount_captured: 0 });
  const created = state({ status: 'pending', amountCaptured: 0, providerStatus: 'requires_payment_method' });
  it('is true for what no later status of the payment could take, with no money at the provider', () => {
    for (const status of ['pending', 'requires_action', 'processing', 'requires_capture', 'failed', 'canceled'] as const) expect(noNews(at(status), created)).toBe(true);
    expect(noNews(at('requires_action'), state({ status: 'requires_action', amountCaptured: 0 }))).toBe(true);
    expect(noNews(at('failed'), state({ status: 'failed', amountCaptured: 0 }))).toBe(true);
    expect(settledWithoutWorkflow(at('pending'), created)).toBe('no_news');
  });

  it('leaves to the workflow whatever could still move the payment, money at the provider, and a payment under review', () => {
    // Stored pending: the workflow may be waiting on 3-D Secure by now, or processing.
    expect(noNews(at('pending'), state({ status: 'requires_action', amountCaptured: 0 }))).toBe(false);
    // Stored processing: an authorization may come back to processing.
    expect(noNews(at('processing'), state({ status: 'processing', amountCaptured: 0 }))).toBe(false);
    expect(noNews(at('requires_action'), state({ status: 'failed', amountCaptured: 0 }))).toBe(false);
    expect(noNews(at('failed'), state({ status: 'succeeded' }))).toBe(false);
    expect(noNews(at('failed'), state({ status: 'requires_capture', amountCaptured: 0 }))).toBe(false);
    expect(noNews(at('canceled'), state({ status: 'failed', amountCaptured: 500 }))).toBe(false);
    expect(noNews(at('requires_review'), created)).toBe(false);
    expect(settledWithoutWorkflow(at('pending'), state({ status: 'succeeded' }))).toBeNull();
  });
});

describe('creationUnderWay', () => {
  it('holds only while the workflow has stored no provider answer yet', () => {
    expect(creationUnderWay({ ...stored, status: 'pending', provider_payment_id: null, amount_captured: 0 })).toBe(true);
    for (const status of ['requires_review', 'requires_action', 'processing', 'requires_capture', 'succeeded', 'failed', 'canceled'] as const) {
      expect(creationUnderWay({ ...stored, status })).toBe(false);
    }
  });
});

describe('lateProviderEvent', () => {
  const event = { provider: 'stripe', eventId: 'evt_1', type: 'payment_intent.succeeded', state: state() } as unknown as ProviderEvent;
  it('keeps one line per delivery, apart for each reason', () => {
    const late = lateProviderEvent('pay_1', { event, source: 'webhook', webhookEventId: 7 }, new Date(0));
    const applied = lateProviderEvent('pay_1', { event, source: 'webhook', webhookEventId: 7 }, new Date(0), 'already_applied');
    expect(late.dedupe_key).toBe('pay_1:late:stripe:evt_1:7');
    expect(applied.dedupe_key).toBe('pay_1:applied:stripe:evt_1:7');
    expect(applied).toMatchObject({ type: 'provider_event.ignored', from_status: null, to_status: null, data: { reason: 'already_applied', observed_status: 'succeeded' } });
  });
});
