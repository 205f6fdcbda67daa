import { randomBytes } from 'node:crypto';
import { capabilitiesOf, methodCapabilities } from '../../providers/capabilities';
import { TestStack } from '../support/stack';

/** The API asks the providers' capabilities, never their names: change a capability here and the API's answer follows. */
describe('the API asks provider capabilities', () => {
  let stack: TestStack;
  const run = randomBytes(4).toString('hex');
  beforeAll(async () => {
    stack = await TestStack.start({ worker: 'none' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Runs `check` with one capability changed in this process (the API runs in it), then puts it back. */
  async function withCapability<T>(holder: object, key: string, value: unknown, check: () => Promise<T>): Promise<T> {
    const fields = holder as Record<string, unknown>;
    const before = fields[key];
    fields[key] = value;
    try {
      return await check();
    } finally {
      fields[key] = before;
    }
  }

  const insertPayment = (id: string, columns: Record<string, unknown>) => stack.db('payments').insert({
    id, status: 'failed', amount: 1000, currency: 'eur', capture_method: 'automatic', provider: 'stripe', payment_method_type: 'card',
    created_at: new Date(), updated_at: new Date(), ...columns,
  });

  it('manual capture: refused for a method that declares none, with its label', async () => {
    const response = await withCapability(methodCapabilities('stripe', 'card')!, 'manualCapture', false, () =>
      stack.createPayment({ amount: 1000, currency: 'eur', payment_method: 'pm_card_visa', capture_method: 'manual' }));
    expect(response.status).toBe(409);
    expect((response.body as any).error).toMatchObject({ code: 'capture_method_not_supported', param: 'capture_method', message: 'Card payments are captured automatically.' });
  });

  it('retries: refused for a provider that declares no retries of failed payments', async () => {
    const id = `pay_cap${run}retry`;
    await insertPayment(id, {});
    const refused = await withCapability(capabilitiesOf('stripe'), 'retriesFailedPayments', false, () => stack.request('POST', `/v1/payments/${id}/retry`, { body: {} }));
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'payment_unexpected_state' });
  });

  it('payer returns: the return link acts only for a method that sends the payer away', async () => {
    const id = `pay_cap${run}return`;
    await insertPayment(id, { status: 'requires_action', provider: 'paypal', payment_method_type: 'paypal', provider_payment_id: `ORDER${run}`.toUpperCase().padEnd(17, '0') });
    const token = `ORDER${run}`.toUpperCase().padEnd(17, '0');
    const visit = async () => (await fetch(`${stack.apiUrl}/return/paypal?payment_id=${id}&token=${token}`)).text();
    const ignored = await withCapability(methodCapabilities('paypal', 'paypal')!, 'payerRedirect', false, visit);
    expect(ignored).toContain('You can close this window and return to the merchant.');
    expect(ignored).not.toContain('Your payment is being completed.');
    // Asked with the capability as declared, the same link is bound to the payment (its workflow is asked to look).
    expect(await visit()).toContain('Your payment is being completed.');
  });
});
