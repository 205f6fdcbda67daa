import { TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ worker: 'none' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('API error messages follow Accept-Language; codes never change', () => {
  it.each([
    [undefined, 'en', "No such payment: 'pay_missing'"],
    ['fr-BE,fr;q=0.9,en;q=0.5', 'fr', "Aucun objet ne correspond à « pay_missing »."],
    ['nl', 'nl', "Geen object gevonden voor 'pay_missing'."],
    ['de-DE', 'de', 'Kein Objekt mit der Kennung „pay_missing“.'],
    ['es, de;q=0.4', 'de', 'Kein Objekt mit der Kennung „pay_missing“.'],
    ['ja', 'en', "No such payment: 'pay_missing'"],
  ])('Accept-Language %s answers in %s', async (acceptLanguage, language, message) => {
    const result = await stack.request('GET', '/v1/payments/pay_missing', { headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    expect(result.status).toBe(404);
    expect(result.body.error).toEqual({ type: 'invalid_request_error', code: 'resource_missing', message, param: 'id' });
    expect(result.headers.get('content-language')).toBe(language);
    expect(result.headers.get('vary')).toContain('Accept-Language');
  });

  it('translates validation, authentication and idempotency errors too', async () => {
    const invalid = await stack.request('POST', '/v1/payments', { body: { currency: 'eur', payment_method: 'pm_card_visa' }, headers: { 'accept-language': 'nl' } });
    expect(invalid.body.error).toMatchObject({ code: 'parameter_missing', param: 'amount', message: 'De verplichte parameter amount ontbreekt.' });
    const unauthenticated = await stack.request('GET', '/v1/payments/pay_x', { key: 'dp_merchant_wrongwrongwrongwrong', headers: { 'accept-language': 'fr' } });
    expect(unauthenticated.body.error).toMatchObject({ code: 'api_key_invalid', message: 'La clé API fournie n’est pas valide.' });
    const noKey = await stack.request('POST', '/v1/payments', { body: { amount: 100, currency: 'eur' }, idempotencyKey: null, headers: { 'accept-language': 'de' } });
    expect(noKey.body.error.code).toBe('idempotency_key_missing');
    expect(noKey.body.error.message).toBe('Diese Anfrage benötigt einen Idempotency-Key-Header.');
  });
});
