import { accessToken, startPayPalHarness, type PayPalHarness } from './helpers';

let h: PayPalHarness;
beforeAll(async () => {
  h = await startPayPalHarness();
});
afterAll(() => h.close());

const order = (amount: unknown, extra: Record<string, unknown> = {}) => ({ intent: 'CAPTURE', purchase_units: [{ amount }], ...extra });

describe('PayPal sandbox: the REST API in PayPal shapes', () => {
  test('OAuth: client credentials give a Bearer token; wrong ones a 401', async () => {
    const ok = await accessToken(h.sandbox.url);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 32400 });
    const wrong = await accessToken(h.sandbox.url, 'test-paypal-client', 'wrong');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
  });

  test('the API wants a valid token', async () => {
    for (const authorization of [undefined, 'Bearer not-a-token', 'Bearer A21AA.99999999999.x.forged']) {
      const response = await fetch(`${h.sandbox.url}/v2/checkout/orders/ABC`, { headers: authorization ? { Authorization: authorization } : {} });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ name: 'AUTHENTICATION_FAILURE', debug_id: expect.any(String) });
    }
  });

  test('unknown ids are 404 RESOURCE_NOT_FOUND', async () => {
    for (const path of ['/v2/checkout/orders/NOSUCHORDER000000', '/v2/payments/captures/NOSUCHCAPTURE0000', '/v2/payments/refunds/NOSUCHREFUND00000']) {
      const { status, body } = await h.api('GET', path);
      expect(status).toBe(404);
      expect(body).toMatchObject({ name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
    }
  });

  test('invalid orders are refused with PayPal issues', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ purchase_units: [{ amount: { currency_code: 'EUR', value: '1.00' } }] }, 400, 'MISSING_REQUIRED_PARAMETER'],
      [order({ currency_code: 'EUR', value: 10 }), 400, 'INVALID_PARAMETER_SYNTAX'],
      [order({ currency_code: 'EUR', value: '1.005' }), 422, 'DECIMAL_PRECISION'],
      [order({ currency_code: 'JPY', value: '100.5' }), 422, 'DECIMAL_PRECISION'],
      [order({ currency_code: 'EUR', value: '0.00' }), 422, 'CANNOT_BE_ZERO_OR_NEGATIVE'],
      [order({ currency_code: 'XAF', value: '100' }), 422, 'CURRENCY_NOT_SUPPORTED'],
      [order({ currency_code: 'EUR', value: '1.00' }, { intent: 'AUTHORIZE' }), 400, 'INVALID_PARAMETER_VALUE'],
      [order({ currency_code: 'EUR', value: '1.00' }, { application_context: { return_url: 'not a url' } }), 400, 'INVALID_PARAMETER_SYNTAX'],
    ];
    for (const [body, status, issue] of cases) {
      const answer = await h.api('POST', '/v2/checkout/orders', body);
      expect({ status: answer.status, issue: (answer.body.details as Array<{ issue: string }>)[0].issue }).toEqual({ status, issue });
    }
  });

  test('the older application_context flow answers CREATED with an approve link', async () => {
    const { status, body } = await h.api('POST', '/v2/checkout/orders', order({ currency_code: 'USD', value: '5.00' }, { application_context: { return_url: 'https://m.example/r' } }));
    expect(status).toBe(201);
    expect(body).toMatchObject({ status: 'CREATED' });
    expect((body.links as Array<{ rel: string }>).map((l) => l.rel)).toEqual(['self', 'payer-action', 'approve']);
  });

  test('paths the sandbox does not emulate answer 404 in PayPal shape', async () => {
    const { status, body } = await h.api('POST', '/v2/payments/authorizations/X/void');
    expect(status).toBe(404);
    expect(body).toMatchObject({ name: 'RESOURCE_NOT_FOUND' });
  });
});
