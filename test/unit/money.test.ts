import { currencyExponent, formatMoney, isKnownCurrency, isValidMinorAmount, majorUnits, toMinorUnits } from '../../domain/money';

describe('money', () => {
  it('knows ISO 4217 exponents', () => {
    expect(currencyExponent('jpy')).toBe(0);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('kwd')).toBe(3);
    expect(() => currencyExponent('xyz')).toThrow(RangeError);
  });

  it('recognizes currencies case-insensitively', () => {
    expect(isKnownCurrency('eur')).toBe(true);
    expect(isKnownCurrency('usd')).toBe(true);
    expect(isKnownCurrency('abc')).toBe(false);
  });

  it('formats minor units with the currency exponent', () => {
    expect(formatMoney({ amount: 1050, currency: 'eur' })).toBe('10.50 EUR');
    expect(formatMoney({ amount: 1050, currency: 'jpy' })).toBe('1050 JPY');
    expect(formatMoney({ amount: 1050, currency: 'kwd' })).toBe('1.050 KWD');
    expect(formatMoney({ amount: 5, currency: 'eur' })).toBe('0.05 EUR');
  });

  it('writes major units with the currency decimals for CSV', () => {
    expect(majorUnits(1999, 'eur')).toBe('19.99');
    expect(majorUnits(-500, 'eur')).toBe('-5.00');
    expect(majorUnits(500, 'jpy')).toBe('500');
    expect(majorUnits(1, 'bhd')).toBe('0.001');
  });

  it('converts decimals to minor units, refusing extra precision', () => {
    expect(toMinorUnits('10.5', 'eur')).toBe(1050);
    expect(toMinorUnits('1000', 'jpy')).toBe(1000);
    expect(toMinorUnits('1.234', 'kwd')).toBe(1234);
    expect(() => toMinorUnits('1.5', 'jpy')).toThrow(RangeError);
    expect(() => toMinorUnits('abc', 'eur')).toThrow(RangeError);
  });

  it('accepts only positive safe integers within the provider limit', () => {
    expect(isValidMinorAmount(1)).toBe(true);
    expect(isValidMinorAmount(0)).toBe(false);
    expect(isValidMinorAmount(-5)).toBe(false);
    expect(isValidMinorAmount(10.5)).toBe(false);
    expect(isValidMinorAmount(100_000_000)).toBe(false);
  });
});
