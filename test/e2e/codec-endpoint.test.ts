import { randomBytes } from 'node:crypto';
import { AdminSessionStore } from '../../api/admin/sessions';
import { SESSION_COOKIE } from '../../api/middleware/admin-session';
import { generateCodecKey, parseCodecKeys } from '../../platform/payload-codec';
import { TestStack } from '../support/stack';

/*
 * The Temporal codec server protocol on the API (api/codec-endpoint.ts): a payload read from a real, encrypted
 * workflow history is decoded over real HTTP for an admin, and for nobody else; CORS lets the Temporal UI's
 * origin in, and no other.
 */
const UI_ORIGIN = 'http://127.0.0.1:8233'; // the test stack's configured Temporal UI

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ temporalSecurity: { codecKeys: parseCodecKeys(generateCodecKey('codec1')) } });
});
afterAll(async () => {
  await stack?.stop();
});

const b64 = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('base64');

/** The started event's input of a workflow, as the UI sends payloads: protobuf JSON (bytes as base64). */
async function startedInput(workflowId: string): Promise<Array<{ metadata: Record<string, string>; data: string }>> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.[0].workflowExecutionStartedEventAttributes;
  return (started?.input?.payloads ?? []).map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, b64(value)])),
    data: b64(payload.data),
  }));
}

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.apiUrl}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers }, body: JSON.stringify(body),
  });
}

let encrypted: Array<{ metadata: Record<string, string>; data: string }>;
let email: string;

beforeAll(async () => {
  email = `codec-${randomBytes(4).toString('hex')}@planted.example`;
  const payment = await stack.createPayment({ amount: 1200, payment_method: 'pm_card_visa', receipt_email: email });
  expect(payment.status).toBe(201);
  encrypted = await startedInput(payment.body.id);
  expect(encrypted.length).toBeGreaterThan(0);
  expect(Buffer.from(encrypted[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  expect(JSON.stringify(encrypted)).not.toContain(b64(Buffer.from(email)).slice(0, 12));
});

it('decodes a payload from a real history for an admin key, as the Temporal CLI sends it', async () => {
  const response = await post('/codec/decode', { payloads: encrypted }, { authorization: `Bearer ${stack.adminKey}` });
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const { payloads } = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  expect(Buffer.from(payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
  expect(Buffer.from(payloads[0].data, 'base64').toString()).toContain(email);
});

it('decodes for a signed-in admin console session (the cookie the UI includes), under /admin/codec', async () => {
  const { token } = await new AdminSessionStore(stack.db, 600).create('admin_test');
  const response = await post('/admin/codec/decode', { payloads: encrypted }, { origin: UI_ORIGIN, cookie: `${SESSION_COOKIE}=${token}` });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(response.headers.get('access-control-allow-credentials')).toBe('true');
  const { payloads } = (await response.json()) as { payloads: Array<{ data: string }> };
  expect(Buffer.from(payloads[0].data, 'base64').toString()).toContain(email);
});

it('refuses without a key (401), with a merchant key (403), with a dead session (401), and from another origin (403)', async () => {
  const answers = [
    await post('/codec/decode', { payloads: encrypted }),
    await post('/codec/decode', { payloads: encrypted }, { authorization: 'Bearer wrong-key-wrong-key' }),
    await post('/codec/decode', { payloads: encrypted }, { authorization: `Bearer ${stack.merchantKey}` }),
    await post('/admin/codec/decode', { payloads: encrypted }, { cookie: `${SESSION_COOKIE}=not-a-session` }),
    await post('/codec/decode', { payloads: encrypted }, { authorization: `Bearer ${stack.adminKey}`, origin: 'http://evil.example' }),
  ];
  expect(answers.map((answer) => answer.status)).toEqual([401, 401, 403, 401, 403]);
  for (const answer of answers) {
    const text = await answer.text();
    expect(text).not.toContain(b64(Buffer.from(email)).slice(0, 12));
    expect(JSON.parse(text).error).toMatchObject({ type: expect.any(String), code: expect.any(String) });
  }
});

it('answers the CORS preflight for the Temporal UI origin only', async () => {
  const preflight = (origin: string) =>
    fetch(`${stack.apiUrl}/admin/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
  const ui = await preflight(UI_ORIGIN);
  expect(ui.status).toBe(204);
  expect(ui.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
  expect(ui.headers.get('access-control-allow-credentials')).toBe('true');
  expect(ui.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
  const other = await preflight('http://127.0.0.1:9999');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

it('encodes what it decodes, and refuses a tampered payload or another namespace without echoing it', async () => {
  const auth = { authorization: `Bearer ${stack.adminKey}` };
  const plain = { metadata: { encoding: b64(Buffer.from('json/plain')) }, data: b64(Buffer.from(JSON.stringify({ iban: 'BE62510007547061' }))) };
  const encoded = (await (await post('/codec/encode', { payloads: [plain] }, auth)).json()) as { payloads: typeof encrypted };
  expect(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
  const decoded = (await (await post('/codec/decode', encoded, auth)).json()) as { payloads: typeof encrypted };
  expect(decoded.payloads).toEqual([plain]);

  const tampered = { ...encrypted[0], data: b64(Buffer.from(encrypted[0].data, 'base64').map((byte, i) => (i === 20 ? byte ^ 1 : byte))) };
  const refused = await post('/codec/decode', { payloads: [tampered] }, auth);
  expect(refused.status).toBe(400);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('payload_undecodable');
  expect((await post('/codec/decode', { payloads: encrypted }, { ...auth, 'x-namespace': 'other' })).status).toBe(400);
});
