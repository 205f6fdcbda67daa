import { TestStack } from '../support/stack';

/*
 * Every route of the OpenAPI document × {no key, wrong key, merchant, admin, another customer's ephemeral key}:
 * nobody reads or writes what their key doesn't allow. Path ids point at customer A's real objects, so a missing
 * check would show up as a 2xx.
 */

let stack: TestStack;
const ids: Record<string, string> = {};
const keys: Record<'a' | 'b', { id: string; secret: string }> = {} as never;

async function ephemeralKey(customerId: string): Promise<{ id: string; secret: string }> {
  const created = await stack.request('POST', '/v1/ephemeral-keys', { body: { customer_id: customerId } });
  expect(created.status).toBe(201);
  return created.body;
}

beforeAll(async () => {
  stack = await TestStack.start();
  for (const id of ['matrix_a', 'matrix_b']) {
    expect((await stack.request('POST', '/v1/customers', { body: { id, email: `${id}@example.com` } })).status).toBe(200);
  }
  const method = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: 'matrix_a', token: 'pm_card_visa' } });
  expect(method.status).toBe(201);
  ids.method = method.body.id;
  const payment = await stack.createPayment({ customer_id: 'matrix_a', payment_method: 'pm_card_visa' });
  expect(payment.body.status).toBe('succeeded');
  ids.payment = payment.body.id;
  const refund = await stack.request('POST', `/v1/payments/${ids.payment}/refunds`, { body: { amount: 100, reason: 'requested_by_customer' } });
  expect(refund.status).toBe(202);
  ids.refund = refund.body.id;
  keys.a = await ephemeralKey('matrix_a');
  keys.b = await ephemeralKey('matrix_b');
});
afterAll(async () => {
  await stack?.stop();
});

/** A's object for each path parameter, by the collection it follows. */
function fill(path: string): string {
  return path.replace(/\/([a-z-]+)\/\{(\w+)\}/g, (_m, collection: string) => {
    const id = { payments: ids.payment, refunds: ids.refund, customers: 'matrix_a', 'payment-methods': ids.method, 'ephemeral-keys': keys.a.id }[collection] ?? 'matrix_unknown';
    return `/${collection}/${id}`;
  });
}

interface Operation { method: string; path: string; roles: string[] }

async function operations(): Promise<Operation[]> {
  const document = (await stack.request('GET', '/openapi.json', { key: null })).body;
  return Object.entries<Record<string, any>>(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method: method.toUpperCase(), path, roles: operation['x-durapay-roles'] as string[] })));
}

async function send(operation: Operation, key: string | null) {
  const body = operation.method === 'GET' ? undefined : operation.path === '/v1/payment-methods' ? { customer_id: 'matrix_a', token: 'pm_card_visa' } : {};
  return stack.request(operation.method, fill(operation.path), { key, body });
}

it('refuses every protected route without a key, with a wrong key, and with a role that is not enough', async () => {
  const ops = (await operations()).filter((op) => op.roles.length > 0);
  expect(ops.length).toBeGreaterThan(30);
  const seen: string[] = [];
  for (const op of ops) {
    const label = `${op.method} ${op.path}`;
    for (const [who, key] of [['none', null], ['wrong', 'dp_merchant_0000000000000000000000'], ['bogus-ephemeral', 'ek_not_a_key_at_all']] as const) {
      seen.push(`${label} ${who} ${(await send(op, key)).status}`);
    }
    if (!op.roles.includes('merchant')) seen.push(`${label} merchant ${(await send(op, stack.merchantKey)).status}`);
    if (!op.roles.includes('customer')) seen.push(`${label} customer ${(await send(op, keys.b.secret)).status}`);
  }
  const unexpected = seen.filter((line) => {
    const [, , who, status] = line.split(' ');
    return ['none', 'wrong', 'bogus-ephemeral'].includes(who) ? status !== '401' : status !== '403';
  });
  expect(unexpected).toEqual([]);
});

it('keeps another customer\'s ephemeral key away from customer A\'s payments and methods', async () => {
  const customerOps = (await operations()).filter((op) => op.roles.includes('customer'));
  expect(customerOps.map((op) => `${op.method} ${op.path}`).sort()).toEqual([
    'DELETE /v1/payment-methods/{id}', 'GET /v1/customers/{id}/payment-methods', 'GET /v1/payments', 'GET /v1/payments/{id}',
    'GET /v1/payments/{id}/events', 'POST /v1/payment-methods', 'PUT /v1/payment-methods/{id}/deactivate', 'PUT /v1/payment-methods/{id}/set-default',
  ]);
  for (const op of customerOps.filter((o) => o.path !== '/v1/payments')) {
    const answer = await send(op, keys.b.secret);
    expect([`${op.method} ${op.path}`, answer.status]).toEqual([`${op.method} ${op.path}`, 404]);
  }
  // Listing: B's key sees B's payments only, whatever it asks for.
  const listed = await stack.request('GET', '/v1/payments?customer_id=matrix_a', { key: keys.b.secret });
  expect(listed.status).toBe(404);
  const own = await stack.request('GET', '/v1/payments', { key: keys.b.secret });
  expect(own.status).toBe(200);
  expect(own.body.data).toEqual([]);

  // Nothing of A's changed.
  expect(await stack.getPayment(ids.payment)).toMatchObject({ status: 'succeeded' });
  const method = await stack.db('payment_methods').where({ id: ids.method }).first();
  expect(method).toMatchObject({ active: true, detached_at: null });
  expect(await stack.db('customers').where({ id: 'matrix_a' }).first()).toMatchObject({ anonymized_at: null });
});

it('lets a customer\'s own ephemeral key read its payments and manage its methods, and nothing after revocation', async () => {
  const payment = await stack.request('GET', `/v1/payments/${ids.payment}`, { key: keys.a.secret });
  expect(payment.status).toBe(200);
  const list = await stack.request('GET', '/v1/payments', { key: keys.a.secret });
  expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([ids.payment]);
  const methods = await stack.request('GET', '/v1/customers/matrix_a/payment-methods', { key: keys.a.secret });
  expect(methods.body.data.map((m: { id: string }) => m.id)).toEqual([ids.method]);
  const setDefault = await stack.request('PUT', `/v1/payment-methods/${ids.method}/set-default`, { key: keys.a.secret, body: {} });
  expect(setDefault.status).toBe(200);
  // Not a refund, not a capture, not another customer's list.
  expect((await stack.request('POST', `/v1/payments/${ids.payment}/refunds`, { key: keys.a.secret, body: { reason: 'requested_by_customer' } })).status).toBe(403);

  expect((await stack.request('DELETE', `/v1/ephemeral-keys/${keys.a.id}`, {})).status).toBe(200);
  expect((await stack.request('GET', `/v1/payments/${ids.payment}`, { key: keys.a.secret })).status).toBe(401);
});

it('refuses to start with one key configured for both roles', async () => {
  const { loadConfig, ConfigError } = await import('../../platform/config');
  const shared = 'dp_shared_key_0123456789abcdef';
  expect(() => loadConfig({ ADMIN_API_KEY: shared, MERCHANT_API_KEYS: `dp_other_key_0123456789abcd,${shared}` })).toThrow(ConfigError);
  expect(loadConfig({ ADMIN_API_KEYS: 'dp_admin_one_0123456789abcd,dp_admin_two_0123456789abcd' }).edge.adminKeys).toHaveLength(2);
});
