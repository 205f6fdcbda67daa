import { isValidStructuredReference, structuredReference } from '../../domain/structured-reference';
import { ibanProblem, isValidIban } from '../../domain/iban';

describe('Belgian structured communication', () => {
  it('has the +++xxx/xxxx/xxxxx+++ shape with a valid mod-97 check, stable per seed', () => {
    const reference = structuredReference('pay_ABC123');
    expect(reference).toMatch(/^\+\+\+\d{3}\/\d{4}\/\d{5}\+\+\+$/);
    expect(isValidStructuredReference(reference)).toBe(true);
    expect(structuredReference('pay_ABC123')).toBe(reference);
    expect(structuredReference('pay_ABC124')).not.toBe(reference);
  });

  it('checks known references', () => {
    expect(isValidStructuredReference('+++090/9337/55493+++')).toBe(true);
    expect(isValidStructuredReference('+++090/9337/55494+++')).toBe(false);
  });
});

describe('IBAN validation', () => {
  it('accepts valid IBANs with spaces, rejects bad checksums, lengths and Belgian formats', () => {
    expect(isValidIban('BE68 5390 0754 7034')).toBe(true);
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(ibanProblem('BE68539007547035')).toBe('checksum');
    expect(ibanProblem('BE6853900754703')).toBe('length');
    expect(ibanProblem('XX68539007547034')).toBe('country');
    expect(ibanProblem('not an iban')).toBe('format');
  });
});
