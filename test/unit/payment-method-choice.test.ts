import { chooseMethod } from '../../domain/payment-method-choice';

describe('chooseMethod', () => {
  it('answers an unknown saved method as missing, also for SEPA Direct Debit', () => {
    expect(chooseMethod({ payment_method_type: 'sepa_debit', payment_method: 'dpm_00T', currency: 'eur' }, null)).toMatchObject({ ok: false, code: 'resource_missing', param: 'payment_method' });
    expect(chooseMethod({ payment_method: 'dpm_00T', currency: 'eur' }, null)).toMatchObject({ ok: false, code: 'resource_missing' });
  });
  it('asks SEPA Direct Debit without any method for a saved one', () => {
    expect(chooseMethod({ payment_method_type: 'sepa_debit', currency: 'eur' }, null)).toMatchObject({ ok: false, code: 'parameter_missing', param: 'payment_method' });
  });
});
