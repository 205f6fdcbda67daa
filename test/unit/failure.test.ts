import { chooseFailureCode, describeFailure } from '../../domain/failure';

describe('failure codes', () => {
  it('prefers a decline code that says more than "declined"', () => {
    expect(chooseFailureCode({ code: 'card_declined', declineCode: 'insufficient_funds' })).toBe('insufficient_funds');
    expect(chooseFailureCode({ code: 'card_declined', declineCode: 'lost_card' })).toBe('lost_card');
    expect(chooseFailureCode({ code: 'expired_card', declineCode: 'expired_card' })).toBe('expired_card');
  });

  it('falls back to the error code for a plain decline', () => {
    expect(chooseFailureCode({ code: 'card_declined', declineCode: 'generic_decline' })).toBe('card_declined');
    expect(chooseFailureCode({ code: 'incorrect_cvc' })).toBe('incorrect_cvc');
    expect(chooseFailureCode({ code: 'processing_error', declineCode: 'processing_error' })).toBe('processing_error');
  });

  it('names a failed 3-D Secure authentication authentication_required', () => {
    expect(chooseFailureCode({ code: 'payment_intent_authentication_failure' })).toBe('authentication_required');
  });

  it('keeps the raw provider codes beside a specific message', () => {
    const failure = describeFailure({ code: 'card_declined', declineCode: 'insufficient_funds', message: 'Your card has insufficient funds.' });
    expect(failure).toEqual({
      failure_code: 'insufficient_funds',
      failure_message: expect.stringContaining('insufficient funds'),
      provider_code: 'card_declined',
      provider_decline_code: 'insufficient_funds',
      provider_message: 'Your card has insufficient funds.',
    });
  });
});
