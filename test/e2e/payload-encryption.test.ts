import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMailer } from '../../platform/mailer';
import { parseCodecKeys, generateCodecKey } from '../../platform/payload-codec';
import { startSmtpSink } from '../../platform/smtp-sink';
import { sandboxStripe } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/*
 * With TEMPORAL_CODEC_KEYS, what Temporal stores (histories, the UI, temporal.sqlite) holds no customer value:
 * a planted IBAN, email and name are nowhere in the histories of the workflows that carried them.
 */
const IBAN = 'BE62510007547061';
const NAME = 'Plantje Verborgen';

let stack: TestStack;
let dataDir: string;
const apiLog: string[] = [];
beforeAll(async () => {
  // A mail sink folder like npm start's, whose .eml copies erasure must delete.
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-erasure-'));
  stack = await TestStack.start({
    temporalSecurity: { codecKeys: parseCodecKeys(generateCodecKey('test1')) },
    mailSinkDir: path.join(dataDir, 'mail'),
    apiLog: { write: (line: string) => void apiLog.push(line) },
  });
});
afterAll(async () => {
  await stack?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

/** Every table of the shared database, searched as text for one value: the rows holding it, by table. */
async function tablesHolding(value: string): Promise<Record<string, number>> {
  const tables: string[] = (await stack.db.raw(`select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`)).rows.map((row: { table_name: string }) => row.table_name);
  const found: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await stack.db.raw(`select count(*)::int as n from ?? t where lower(t::text) like ?`, [table, `%${value.toLowerCase()}%`]);
    if (rows[0].n > 0) found[table] = rows[0].n;
  }
  return found;
}

it('keeps the IBAN, email and name out of workflow histories while the payment works as usual', async () => {
  const customerId = `enc_${randomBytes(4).toString('hex')}`;
  const email = `${customerId}@planted.example`;
  expect((await stack.request('POST', '/v1/customers', { body: { id: customerId, email, name: NAME } })).status).toBe(200);
  const saved = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, type: 'sepa_debit', iban: IBAN, account_holder_name: NAME } });
  expect(saved.status).toBe(201);
  const payment = await stack.createPayment({ customer_id: customerId, payment_method: saved.body.id, amount: 1800, receipt_email: email, description: `for ${NAME}` });
  expect(payment.status).toBe(201);
  await stack.waitForPayment(payment.body.id, (p) => p.status === 'succeeded', 60_000);

  for (const workflowId of [saved.body.id, payment.body.id]) {
    const history = JSON.stringify(await stack.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history.length).toBeGreaterThan(1000);
    // The stored history is raw: base64 of plaintext would show the values (encoded either way).
    for (const planted of [IBAN, email, NAME]) {
      for (const form of [planted, Buffer.from(planted).toString('base64').slice(0, 12)]) {
        expect([workflowId, form, history.includes(form)]).toEqual([workflowId, form, false]);
      }
    }
    expect(history).toContain(Buffer.from('binary/encrypted').toString('base64'));
  }
});

it('encrypts failure messages too: an activity failure quoting a value leaves only ciphertext in the history', async () => {
  const token = `pm_planted_${randomBytes(6).toString('hex')}`;
  const refused = await stack.createPayment({ payment_method: token, amount: 1700 });
  expect(refused.status).toBe(404);
  // The API still reads the provider's message (the client decodes it) ...
  expect(JSON.stringify(refused.body)).toContain(token);
  const paymentId = (await stack.db('payments').whereRaw('payment_method = ?', [token]).first('id'))?.id as string | undefined;
  const workflowId = paymentId ?? (refused.body as { error?: { payment_id?: string } }).error?.payment_id;
  expect(workflowId).toEqual(expect.any(String));
  // ... while the history's failure says only "Encoded failure", its text encrypted with the payload codec.
  const history = JSON.stringify(await stack.client.workflow.getHandle(workflowId!).fetchHistory());
  expect(history).toContain('Encoded failure');
  for (const form of [token, Buffer.from(token).toString('base64').slice(0, 12)]) expect(history.includes(form)).toBe(false);
});

it('erases the customer everywhere: outbox, raw webhooks, stored answers, mail files, logs and the provider', async () => {
  const customerId = `era_${randomBytes(4).toString('hex')}`;
  const email = `${customerId}@planted.example`;
  const create = await stack.request('POST', '/v1/customers', { body: { id: customerId, email, name: NAME }, idempotencyKey: `erasure-${customerId}` });
  expect(create.status).toBe(200);
  const saved = await stack.request('POST', '/v1/payment-methods', { body: { customer_id: customerId, type: 'sepa_debit', iban: IBAN, account_holder_name: NAME } });
  expect(saved.status).toBe(201);
  const payment = await stack.createPayment({ customer_id: customerId, payment_method: saved.body.id, amount: 1900, receipt_email: email });
  expect(payment.status).toBe(201);
  await stack.waitForPayment(payment.body.id, (p) => p.status === 'succeeded', 60_000);
  await waitFor(async () => (await stack.db('email_outbox').where({ to_address: email, status: 'sent' }).first()) ?? undefined, { what: 'the receipt', timeoutMs: 60_000 });
  const providerCustomerId = (await stack.db('customers').where({ id: customerId }).first()).provider_customer_ids.stripe as string;
  expect((await sandboxStripe(stack.sandbox).customers.retrieve(providerCustomerId)) as { email?: string }).toMatchObject({ email });

  // Copies in the mail sink, as npm start's sink writes them: one for this customer, one for someone else.
  const sink = await startSmtpSink({ dataDir, port: 0 });
  const mailer = createMailer(sink.url);
  const otherEmail = `someone-else-${randomBytes(4).toString('hex')}@example.com`;
  try {
    await mailer.sendMail({ from: 'payments@durapay.test', to: email, subject: 'Receipt', text: `Paid ${payment.body.id as string}`, html: '', messageId: '<mine@test>' });
    await mailer.sendMail({ from: 'payments@durapay.test', to: otherEmail, subject: 'Receipt', text: 'Paid pay_someone_else', html: '', messageId: '<other@test>' });
  } finally {
    mailer.close();
    await sink.close();
  }
  expect(await fs.readdir(sink.mailDir)).toHaveLength(2);

  // Before erasure the email is where it is expected: the outbox, the stored idempotent answer, the customer row.
  expect(Object.keys(await tablesHolding(email))).toEqual(expect.arrayContaining(['customers', 'email_outbox', 'idempotency_keys', 'payments']));

  expect((await stack.request('DELETE', `/v1/customers/${customerId}`)).status).toBe(202);
  await waitFor(async () => ((await stack.db('customers').where({ id: customerId }).first()).anonymized_at ? true : undefined), { what: 'the erasure', timeoutMs: 90_000 });

  // Only the issued invoice keeps its buyer as issued: a frozen, checksummed legal record (docs/security.md).
  expect(await tablesHolding(email)).toEqual({ documents: 1 });
  expect(await tablesHolding(IBAN)).toEqual({});
  expect(await stack.db('webhook_events').where({ payment_id: payment.body.id }).whereNotNull('raw_body').count({ n: '*' })).toEqual([{ n: 0 }]);
  const replayed = await stack.request('POST', '/v1/customers', { body: { id: customerId, email, name: NAME }, idempotencyKey: `erasure-${customerId}` });
  expect(JSON.stringify(replayed.body)).not.toContain(email);
  const mailLeft = await Promise.all((await fs.readdir(sink.mailDir)).map((name) => fs.readFile(path.join(sink.mailDir, name), 'utf8')));
  expect(mailLeft).toHaveLength(1);
  expect(mailLeft[0]).toContain(otherEmail);
  expect(await sandboxStripe(stack.sandbox).customers.retrieve(providerCustomerId)).toMatchObject({ id: providerCustomerId, deleted: true });
  expect(apiLog.length).toBeGreaterThan(0);
  for (const planted of [email, IBAN]) expect(apiLog.filter((line) => line.includes(planted))).toEqual([]);
});
