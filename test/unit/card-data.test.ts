import { containsCardNumber, findCardNumber, luhnValid } from '../../domain/card-data';

describe('raw card data detection', () => {
  it('checks the Luhn digit', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it('finds card numbers written with spaces or dashes', () => {
    expect(containsCardNumber('4242 4242 4242 4242')).toBe(true);
    expect(containsCardNumber('4000-0027-6000-3184')).toBe(true);
    expect(containsCardNumber('card: 5555555555554444 thanks')).toBe(true);
  });

  it('ignores digit runs that are not card numbers', () => {
    expect(containsCardNumber('4242424242424241')).toBe(false); // fails Luhn
    expect(containsCardNumber('123456789012')).toBe(false); // 12 digits
    expect(containsCardNumber('order 2026-11-22')).toBe(false);
    expect(containsCardNumber('pm_card_visa')).toBe(false);
  });

  it('ignores Luhn-valid millisecond timestamps and digits inside identifiers', () => {
    // Found, not assumed: the first Luhn-valid 13-digit timestamp from a fixed instant.
    let timestamp = 1_763_798_312_345;
    while (!luhnValid(String(timestamp))) timestamp += 1;
    expect(containsCardNumber(String(timestamp))).toBe(false);
    expect(containsCardNumber(`cus_fail_${timestamp}`)).toBe(false);
    expect(findCardNumber({ customer_id: `cus_${timestamp}`, metadata: { order_ts: timestamp } })).toBeNull();
    expect(containsCardNumber('ref4242424242424242')).toBe(false); // glued to letters: an identifier
    expect(containsCardNumber('card_4242424242424242')).toBe(true); // an underscore is not camouflage
  });

  it('names the field that holds one, nested or in arrays', () => {
    expect(findCardNumber({ amount: 100, metadata: { note: '4242424242424242' } })).toBe('metadata.note');
    expect(findCardNumber({ items: ['a', '4111 1111 1111 1111'] })).toBe('items[1]');
    expect(findCardNumber({ number: 4242424242424242 })).toBe('number');
    expect(findCardNumber({ amount: 2500, currency: 'eur', payment_method: 'pm_card_visa' })).toBeNull();
  });
});
