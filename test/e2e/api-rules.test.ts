import { TestStack } from '../support/stack';
import { paymentIntentsFor } from '../support/sandbox-control';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

async function countRows(table: string, where: Record<string, unknown>): Promise<number> {
  const [{ count }] = await stack.db(table).where(where).count({ count: '*' });
  return Number(count);
}

describe('authentication and roles', () => {
  it('answers 401 without a key or with an unknown key', async () => {
    const none = await stack.request('GET', '/v1/payments', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ type: 'authentication_error', code: 'api_key_missing' });
    const unknown = await stack.request('GET', '/v1/payments', { key: 'dp_merchant_not_a_real_key_at_all' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('api_key_invalid');
  });

  it('answers 403 when the role is not enough', async () => {
    const merchant = await stack.request('GET', '/v1/admin/webhook-events');
    expect(merchant.status).toBe(403);
    expect(merchant.body.error).toMatchObject({ type: 'permission_error', code: 'insufficient_role' });
    const admin = await stack.request('GET', '/v1/admin/webhook-events', { key: stack.adminKey });
    expect(admin.status).toBe(200);
  });

  it('keeps health, readiness and the API description public', async () => {
    expect((await stack.request('GET', '/healthz', { key: null })).body).toEqual({ ok: true });
    expect((await stack.request('GET', '/readyz', { key: null })).body).toEqual({ ok: true, database: true, temporal: true });
    const openapi = await stack.request('GET', '/openapi.json', { key: null });
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toBe('3.1.0');
    for (const route of ['/v1/payments', '/v1/payments/{id}', '/v1/payments/{id}/capture', '/v1/payments/{id}/cancel', '/v1/payments/{id}/events', '/webhooks/stripe']) {
      expect(openapi.body.paths).toHaveProperty([route]);
    }
    expect(openapi.body.components.schemas.CreatePaymentRequest.properties.amount.type).toBe('integer');
  });
});

describe('bad input gets a clear error and changes nothing', () => {
  it.each([
    [{ amount: -5, currency: 'eur', payment_method: 'pm_card_visa' }, 'parameter_invalid', 'amount'],
    [{ amount: 10.5, currency: 'eur', payment_method: 'pm_card_visa' }, 'parameter_invalid', 'amount'],
    [{ currency: 'eur', payment_method: 'pm_card_visa' }, 'parameter_missing', 'amount'],
    [{ amount: 100, currency: 'EUR', payment_method: 'pm_card_visa' }, 'parameter_invalid', 'currency'],
    [{ amount: 100, currency: 'xyz', payment_method: 'pm_card_visa' }, 'parameter_invalid', 'currency'],
    [{ amount: 100, currency: 'eur', payment_method: 'visa' }, 'parameter_invalid', 'payment_method'],
    [{ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'later' }, 'parameter_invalid', 'capture_method'],
    [{ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', surprise: 1 }, 'parameter_unknown', 'surprise'],
    // Valid in the HTML address grammar, refused by SMTP (501): the API refuses what its mail server would.
    [{ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', receipt_email: 'ada..lovelace@example.com' }, 'parameter_invalid', 'receipt_email'],
    [{ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', receipt_email: '.ada@example.com' }, 'parameter_invalid', 'receipt_email'],
    [{ amount: 100, currency: 'eur', payment_method: 'pm_card_visa', receipt_email: 'ada@xn--zz' }, 'parameter_invalid', 'receipt_email'],
  ])('refuses %j with %s on %s', async (body, code, param) => {
    const idempotencyKey = `bad-input-${code}-${param}-${Math.random()}`;
    const result = await stack.request('POST', '/v1/payments', { body, idempotencyKey });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ type: 'invalid_request_error', code, param });
    expect(result.body.error.message).toEqual(expect.any(String));
    expect(await countRows('idempotency_keys', { key: idempotencyKey })).toBe(0);
  });

  it('refuses raw card numbers anywhere, storing nothing', async () => {
    const idempotencyKey = `raw-card-${Math.random()}`;
    const before = await countRows('payments', { description: 'raw card attempt' });
    const result = await stack.request('POST', '/v1/payments', {
      body: { amount: 100, currency: 'eur', payment_method: 'pm_card_visa', description: 'raw card attempt', metadata: { note: 'card 4242 4242 4242 4242' } },
      idempotencyKey,
    });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: 'raw_card_data_rejected', param: 'metadata.note' });
    expect(await countRows('payments', { description: 'raw card attempt' })).toBe(before);
    expect(await countRows('idempotency_keys', { key: idempotencyKey })).toBe(0);
  });

  it('refuses invalid JSON and non-JSON bodies', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.merchantKey}`, 'content-type': 'application/json', 'idempotency-key': 'invalid-json-body-key-1' },
      body: '{"amount": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe('invalid_json');
  });

  it('answers unknown routes with a 404 in the same error shape', async () => {
    const result = await stack.request('GET', '/v1/nothing-here');
    expect(result.status).toBe(404);
    expect(result.body.error.type).toBe('invalid_request_error');
  });
});

describe('idempotency', () => {
  const body = { amount: 1234, currency: 'eur', payment_method: 'pm_card_visa' };

  it('requires a key of 16 to 255 characters on state-changing requests', async () => {
    const missing = await stack.request('POST', '/v1/payments', { body, idempotencyKey: null });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'idempotency_key_missing', param: 'Idempotency-Key' });
    const short = await stack.request('POST', '/v1/payments', { body, idempotencyKey: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('idempotency_key_invalid');
  });

  it('answers a retried request with the first response and the same payment', async () => {
    const idempotencyKey = `retry-${Math.random()}`;
    const first = await stack.request('POST', '/v1/payments', { body, idempotencyKey });
    const second = await stack.request('POST', '/v1/payments', { body: { payment_method: 'pm_card_visa', currency: 'eur', amount: 1234 }, idempotencyKey });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await paymentIntentsFor(stack.sandbox, first.body.id)).toHaveLength(1);
  });

  it('refuses the same key with a different body with 422', async () => {
    const idempotencyKey = `mismatch-${Math.random()}`;
    await stack.request('POST', '/v1/payments', { body, idempotencyKey });
    const other = await stack.request('POST', '/v1/payments', { body: { ...body, amount: 999 }, idempotencyKey });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_reused' });
  });

  it('gives twenty concurrent requests with one key exactly one payment', async () => {
    const idempotencyKey = `concurrent-${Math.random()}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => stack.request('POST', '/v1/payments', { body, idempotencyKey })));
    const created = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    expect(created.length + conflicts.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const conflict of conflicts) expect(conflict.body.error.code).toBe('idempotency_key_in_use');
    expect(await paymentIntentsFor(stack.sandbox, created[0].body.id)).toHaveLength(1);
    expect(await countRows('payments', { id: created[0].body.id })).toBe(1);
  });

  it('scopes keys to the API key that sent them', async () => {
    const idempotencyKey = `scoped-${Math.random()}`;
    const merchant = await stack.request('POST', '/v1/payments', { body, idempotencyKey });
    const admin = await stack.request('POST', '/v1/payments', { body, idempotencyKey, key: stack.adminKey });
    expect(admin.status).toBe(201);
    expect(admin.body.id).not.toBe(merchant.body.id);
  });
});
