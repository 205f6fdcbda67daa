import { createHmac } from 'node:crypto';
import { keyId } from '../../api/middleware/auth';
import { TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({
    rateLimits: { windowSeconds: 600, readsPerKey: 5, writesPerKey: 50, paymentCreationPerKey: 3, perIp: 1000, webhooksPerIp: 4 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

function expectRateLimited(result: { status: number; body: any; headers: Headers }): void {
  expect(result.status).toBe(429);
  expect(result.body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit_exceeded' });
  expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
}

describe('rate limits', () => {
  it('limits webhooks per client address, with no key involved (first: the sandbox deliveries count too)', async () => {
    const send = () => fetch(`${stack.apiUrl}/webhooks/stripe`, {
      method: 'POST', body: '{}',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=1,v1=${createHmac('sha256', 'x').update('y').digest('hex')}` },
    });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await send()).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('lets exactly the budget of concurrent reads through per API key, and counts each key apart', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => stack.request('GET', '/v1/payments?limit=1')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = results.filter((r) => r.status !== 200);
    expect(limited).toHaveLength(7);
    limited.forEach(expectRateLimited);
    // The admin key has its own budget.
    expect((await stack.request('GET', '/v1/payments?limit=1', { key: stack.adminKey })).status).toBe(200);
    // Counters live in PostgreSQL, where every API process shares them.
    const rows = await stack.db('rate_limits').where('key', 'like', 'key_read:merchant_%');
    expect(rows.map((row) => row.points)).toContain(12);
  });

  it('limits payment creation more strictly than other writes', async () => {
    const created = [];
    for (let i = 0; i < 3; i += 1) created.push(await stack.createPayment({ payment_method: 'pm_card_visa', amount: 100 + i }));
    expect(created.map((r) => r.status)).toEqual([201, 201, 201]);
    const fourth = await stack.createPayment({ payment_method: 'pm_card_visa' });
    expectRateLimited(fourth);
    // Only this stack's key: other test files share the database.
    expect(await stack.db('idempotency_keys').where({ principal: keyId('merchant', stack.merchantKey), path: '/v1/payments' }).count({ n: '*' })).toEqual([{ n: 3 }]);
    // Other writes still have their budget.
    const customer = await stack.request('POST', '/v1/customers', { body: { id: 'rate_limited_cus', email: 'rl@example.com' } });
    expect(customer.status).toBe(200);
  });

});
