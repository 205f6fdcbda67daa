import { randomBytes } from 'node:crypto';
import { parseCodecKeys, generateCodecKey } from '../../platform/payload-codec';
import { TestStack } from '../support/stack';

/*
 * With TEMPORAL_CODEC_KEYS, what Temporal stores (histories, the UI, temporal.sqlite) holds no customer value:
 * a planted IBAN, email and name are nowhere in the histories of the workflows that carried them.
 */
const IBAN = 'BE62510007547061';
const NAME = 'Plantje Verborgen';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start({ temporalSecurity: { codecKeys: parseCodecKeys(generateCodecKey('test1')) } });
});
afterAll(async () => {
  await stack?.stop();
});

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
