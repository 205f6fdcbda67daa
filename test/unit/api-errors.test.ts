import { ApplicationFailure } from '@temporalio/common';
import { DOMAIN_ERROR_FAILURE } from '../../domain/errors';
import { fromDomainFailure, statusFor } from '../../api/errors';

describe('domain errors become HTTP answers only in the API', () => {
  it('maps each kind to its status', () => {
    expect(statusFor('amount_too_large', 'invalid_input')).toBe(400);
    expect(statusFor('payment_not_refundable', 'not_found')).toBe(404);
    expect(statusFor('payment_unexpected_state', 'state_conflict')).toBe(409);
    expect(statusFor('refund_window_expired', 'policy_refused')).toBe(422);
  });

  it('lets a provider code that means the same everywhere override the kind', () => {
    expect(statusFor('resource_missing', 'invalid_input')).toBe(404);
    expect(statusFor('payment_intent_invalid_parameter', 'invalid_input')).toBe(409);
  });

  it('turns a workflow refusal into the API error, and leaves other failures alone', () => {
    const failure = ApplicationFailure.create({ type: DOMAIN_ERROR_FAILURE, message: 'Too much.', details: [{ code: 'amount_too_large', kind: 'invalid_input', param: 'amount_to_capture' }] });
    expect(fromDomainFailure(failure)).toMatchObject({ status: 400, type: 'invalid_request_error', code: 'amount_too_large', message: 'Too much.', param: 'amount_to_capture' });
    expect(fromDomainFailure(ApplicationFailure.create({ type: 'ProviderRequestError', message: 'no' }))).toBeNull();
    expect(fromDomainFailure(new Error('boom'))).toBeNull();
  });

  it('still reads a refusal raised by a worker from before domain errors (a rolling deploy), never a 500', () => {
    const legacy = ApplicationFailure.create({ type: 'DurapayApiError', message: 'Captured already.', details: [{ type: 'invalid_request_error', code: 'payment_unexpected_state', status: 409 }] });
    expect(fromDomainFailure(legacy)).toMatchObject({ status: 409, code: 'payment_unexpected_state', message: 'Captured already.' });
  });
});
