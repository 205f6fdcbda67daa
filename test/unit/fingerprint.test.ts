import { requestFingerprint } from '../../api/middleware/idempotency';
import { canonicalJson } from '../../domain/fingerprint';

describe('idempotency fingerprint', () => {
  it('ignores key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('is equal for the same request and different for a different body, path or method', () => {
    const base = requestFingerprint('POST', '/v1/payments', { amount: 100, currency: 'eur' });
    expect(requestFingerprint('POST', '/v1/payments', { currency: 'eur', amount: 100 })).toBe(base);
    expect(requestFingerprint('POST', '/v1/payments', { currency: 'eur', amount: 101 })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/payments/x/capture', { currency: 'eur', amount: 100 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/payments', { currency: 'eur', amount: 100 })).not.toBe(base);
  });
});
