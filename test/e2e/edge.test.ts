import http from 'node:http';
import { TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ worker: 'none' });
});
afterAll(async () => {
  await stack?.stop();
});

async function countRows(table: string, where: Record<string, unknown>): Promise<number> {
  const [{ count }] = await stack.db(table).where(where).count({ count: '*' });
  return Number(count);
}

/** Sends only the headers of a request announcing a big body, and reports what the server answers meanwhile. */
function answerBeforeBody(path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  const url = new URL(path, stack.apiUrl);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(900_000), ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.on('error', reject);
    request.write('{"amount": ');
  });
}

function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, stack.apiUrl), { method, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : null }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the edge refuses bad requests before they cost anything', () => {
  it('answers a NUL byte in the query, body or path with 400 parameter_invalid', async () => {
    const query = await stack.request('GET', '/v1/payments?starting_after=a%00b');
    expect(query.status).toBe(400);
    expect(query.body.error).toMatchObject({ type: 'invalid_request_error', code: 'parameter_invalid', param: 'starting_after' });
    const disputes = await stack.request('GET', '/v1/disputes?payment_id=x%00');
    expect(disputes.status).toBe(400);
    const path = await stack.request('GET', '/v1/payments/pay_a%00b');
    expect(path.status).toBe(400);

    const idempotencyKey = `nul-body-${Math.random()}`;
    const body = await stack.request('POST', '/v1/payments', {
      body: { amount: 100, currency: 'eur', payment_method: 'pm_card_visa', description: 'a\u0000b' }, idempotencyKey,
    });
    expect(body.status).toBe(400);
    expect(body.body.error).toMatchObject({ code: 'parameter_invalid', param: 'description' });
    expect(await countRows('idempotency_keys', { key: idempotencyKey })).toBe(0);
  });

  it('refuses a deeply nested body with 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`; // under the body limit
    const response = await fetch(`${stack.apiUrl}/v1/payments`, {
      method: 'POST', body: deep,
      headers: { authorization: `Bearer ${stack.merchantKey}`, 'content-type': 'application/json', 'idempotency-key': `deep-${Math.random()}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe('parameter_invalid');
    // A raw card number deep inside a body is still found.
    let nested: unknown = { note: '4242 4242 4242 4242' };
    for (let i = 0; i < 20; i += 1) nested = { inner: nested };
    const card = await stack.request('POST', '/v1/payments', { body: { amount: 100, currency: 'eur', metadata: nested } });
    expect(card.status).toBe(400);
    expect(card.body.error.code).toBe('raw_card_data_rejected');
  });

  it('answers an unauthenticated or unrouted POST before reading its body', async () => {
    const noKey = await answerBeforeBody('/v1/payments', {});
    expect(noKey.status).toBe(401);
    const wrongRole = await answerBeforeBody('/v1/admin/webhook-events/relay', { authorization: `Bearer ${stack.merchantKey}` });
    expect(wrongRole.status).toBe(403);
    const unknown = await answerBeforeBody('/v1/nothing-here', { authorization: `Bearer ${stack.merchantKey}` });
    expect(unknown.status).toBe(404);
    const tooBig = await answerBeforeBody('/v1/payments', { authorization: `Bearer ${stack.merchantKey}`, 'idempotency-key': `big-${Math.random()}` });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('body_too_large');
  });

  it('gives webhooks a larger body limit than the API', async () => {
    const body = JSON.stringify({ id: 'evt_x', padding: 'x'.repeat(200_000) });
    const webhook = await fetch(`${stack.apiUrl}/webhooks/stripe`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(webhook.status).toBe(401);
    expect(((await webhook.json()) as any).error.code).toBe('webhook_signature_invalid');
    const api = await stack.request('POST', '/v1/customers', { body: { id: 'c', email: 'a@b.c', name: 'x'.repeat(200_000) } });
    expect(api.status).toBe(413);
  });

  it('answers unknown methods on known paths with 405 and Allow', async () => {
    for (const method of ['TRACE', 'PATCH', 'PUT', 'OPTIONS', 'QUERY']) {
      const response = await rawRequest(method, '/v1/payments', { authorization: `Bearer ${stack.merchantKey}` });
      expect([method, response.status]).toEqual([method, 405]);
      expect(String(response.headers.allow).split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
      expect(response.body.error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed' });
    }
    const unknownPath = await rawRequest('TRACE', '/v1/nothing');
    expect(unknownPath.status).toBe(404);
  });

  it('accepts only http and https return URLs', async () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,hi', 'ftp://example.com/x']) {
      const result = await stack.request('POST', '/v1/payments', { body: { amount: 100, currency: 'eur', payment_method: 'pm_card_visa', return_url: url } });
      expect([url, result.status, result.body.error.param]).toEqual([url, 400, 'return_url']);
    }
  });
});
