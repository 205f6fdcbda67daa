import { randomBytes } from 'node:crypto';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

const admin = () => ({ key: stack.adminKey });

/** The CSV routes answer text/csv, which stack.request would try to parse as JSON. */
async function csv(path: string, key: string): Promise<{ status: number; type: string | null; lines: string[] }> {
  const response = await fetch(`${stack.apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), lines: text.split('\n').filter((line) => line !== '') };
}

async function refund(paymentId: string, amount: number): Promise<void> {
  const requested = await stack.request('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount, reason: 'requested_by_customer' } });
  expect(requested.status).toBe(202);
  expect((await stack.request('POST', `/v1/refunds/${requested.body.id}/approve`, { body: {}, ...admin() })).status).toBe(200);
  await waitFor(async () => ((await stack.request('GET', `/v1/refunds/${requested.body.id}`)).body.status === 'succeeded' ? true : undefined), {
    timeoutMs: 120_000, what: `refund ${requested.body.id} to succeed`,
  });
}

describe('reports from the ledger', () => {
  // A run id in every payment's metadata keeps this file's payments apart from the rest of the shared database.
  const run = randomBytes(6).toString('hex');
  const customerId = `cus_ledger_${run}`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    expect((await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test`, name: 'Lea Martin' } })).status).toBe(200);
    const card = await stack.createPayment({ amount: 1999, payment_method: 'pm_card_visa', customer_id: customerId, description: 'Rent, "flat 3", March', metadata: { run, building_id: 'b7' } });
    expect(card.body.status).toBe('succeeded');
    ids.card = card.body.id;
    const manual = await stack.createPayment({ amount: 5000, payment_method: 'pm_card_visa', capture_method: 'manual', customer_id: customerId, description: '=HYPERLINK("x")', metadata: { run, building_id: 'b8' } });
    expect(manual.body.status).toBe('requires_capture');
    expect((await stack.request('POST', `/v1/payments/${manual.body.id}/capture`, { body: { amount_to_capture: 3000 } })).body.status).toBe('succeeded');
    ids.manual = manual.body.id;
    const cash = await stack.createPayment({ amount: 3000, payment_method_type: 'cash', customer_id: customerId, description: 'Cash at the desk', metadata: { run, building_id: 'b7' } });
    expect((await stack.request('PUT', `/v1/payments/${cash.body.id}/succeeded`, { body: {}, ...admin() })).body.status).toBe('succeeded');
    ids.cash = cash.body.id;
    const declined = await stack.createPayment({ amount: 700, payment_method: 'pm_card_chargeDeclined', customer_id: customerId, metadata: { run } });
    expect(declined.body.status).toBe('failed');
    await refund(ids.card, 500);
  }, 240_000);

  const now = new Date();
  const monthStart = `${now.toISOString().slice(0, 7)}-01T00:00:00Z`;
  const range = `from=${now.getUTCFullYear() - 1}-01-01&to=${now.getUTCFullYear() + 1}-01-01`;

  it('answers one row per period, group and currency, in minor units', async () => {
    const report = await stack.request('GET', `/v1/reports/revenue?${range}&interval=month&group_by=method&metadata[run]=${run}`, admin());
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      object: 'list',
      data: [
        { period_start: monthStart, group: 'card', currency: 'eur', gross: 4999, refunded: 500, disputed: 0, net: 4499, count: 2 },
        { period_start: monthStart, group: 'cash', currency: 'eur', gross: 3000, refunded: 0, disputed: 0, net: 3000, count: 1 },
      ],
    });
    const byProvider = await stack.request('GET', `/v1/reports/revenue?${range}&interval=month&group_by=provider&metadata[run]=${run}`, admin());
    expect(byProvider.body.data.map((row: { group: string; net: number }) => [row.group, row.net])).toEqual([['offline', 3000], ['stripe', 4499]]);
    const building = await stack.request('GET', `/v1/reports/revenue?${range}&interval=month&metadata[run]=${run}&metadata[building_id]=b7`, admin());
    expect(building.body.data).toEqual([{ period_start: monthStart, group: null, currency: 'eur', gross: 4999, refunded: 500, disputed: 0, net: 4499, count: 2 }]);
  });

  it('renders the same rows as CSV in major units', async () => {
    const report = await csv(`/v1/reports/revenue.csv?${range}&interval=month&group_by=method&metadata[run]=${run}`, stack.adminKey);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/csv/);
    expect(report.lines).toEqual([
      'period_start,group,currency,gross,refunded,disputed,net,count',
      `${monthStart},card,eur,49.99,5.00,0.00,44.99,2`,
      `${monthStart},cash,eur,30.00,0.00,0.00,30.00,1`,
    ]);
  });

  it("gives a customer's totals per method and their annual export", async () => {
    const stats = await stack.request('GET', `/v1/customers/${customerId}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({
      object: 'customer_stats', customer_id: customerId, currency: 'eur', total_paid: 7999, total_refunded: 500, total_disputed: 0, net: 7499, count: 3,
      by_method: {
        card: { total_paid: 4999, total_refunded: 500, total_disputed: 0, net: 4499, count: 2 },
        cash: { total_paid: 3000, total_refunded: 0, total_disputed: 0, net: 3000, count: 1 },
      },
    });
    const today = now.toISOString().slice(0, 10);
    const exported = await csv(`/v1/customers/${customerId}/payments.csv?year=${now.getUTCFullYear()}`, stack.merchantKey);
    expect(exported.status).toBe(200);
    const expected = [
      `${today},${ids.card},"Rent, ""flat 3"", March",card,eur,19.99,5.00,0.00,14.99`,
      `${today},${ids.manual},"'=HYPERLINK(""x"")",card,eur,30.00,0.00,0.00,30.00`,
      `${today},${ids.cash},Cash at the desk,cash,eur,30.00,0.00,0.00,30.00`,
    ];
    expect(exported.lines).toEqual(['date,payment_id,description,method,currency,paid,refunded,disputed,net', ...expected]);
    expect((await csv(`/v1/customers/${customerId}/payments.csv?year=${now.getUTCFullYear() - 1}`, stack.merchantKey)).lines).toHaveLength(1);
  });

  it('filters payments by metadata', async () => {
    const all = await stack.request('GET', `/v1/payments?metadata[run]=${run}&limit=100`);
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(4);
    const b7 = await stack.request('GET', `/v1/payments?metadata[run]=${run}&metadata[building_id]=b7&limit=100`);
    expect(b7.body.data.map((payment: { id: string }) => payment.id).sort()).toEqual([ids.card, ids.cash].sort());
  });

  it('refuses bad queries with 400 and non-admins with 403', async () => {
    // An inverted window is empty, not an error: the API's document says so (schema-valid input is never refused).
    expect((await stack.request('GET', `/v1/reports/revenue?from=2026-02-01&to=2026-01-01`, admin())).body).toMatchObject({ object: 'list', data: [] });
    expect((await stack.request('GET', `/v1/reports/revenue?${range}&interval=year`, admin())).status).toBe(400);
    expect((await stack.request('GET', `/v1/reports/revenue?${range}&metadata[bad key]=x`, admin())).status).toBe(400);
    expect((await stack.request('GET', `/v1/reports/revenue?${range}&metadata=x`, admin())).status).toBe(400);
    expect((await stack.request('GET', `/v1/payments?metadata[a][b]=x`)).status).toBe(400);
    expect((await stack.request('GET', `/v1/reports/revenue?${range}`)).status).toBe(403);
    expect((await stack.request('GET', `/v1/customers/${customerId}/payments.csv?year=nope`)).status).toBe(400);
    expect((await stack.request('GET', `/v1/customers/cus_nobody_${run}/stats`)).status).toBe(404);
  });
});
