import { startHarness, stripeErrorOf, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness({ webhookUrl: null });
});
afterAll(() => h.close());

describe('Stripe sandbox: list pagination', () => {
  const customer = 'cus_pagination_test';
  const created: string[] = [];
  let startedAt = 0;

  beforeAll(async () => {
    startedAt = Math.floor(Date.now() / 1000);
    await h.stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: 'cus_someone_else' });
    for (let i = 0; i < 130; i++) {
      const pi = await h.stripe.paymentIntents.create({ amount: 100 + i, currency: 'usd', customer, metadata: { index: String(i) } });
      created.push(pi.id);
    }
  });

  test('auto-pagination walks every object newest first, across pages of 100', async () => {
    const all = await h.stripe.paymentIntents.list({ customer, limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(all).toHaveLength(130);
    expect(all.map((pi) => pi.id)).toEqual([...created].reverse());
    expect(new Set(all.map((pi) => pi.id)).size).toBe(130);
  });

  test('a page reports has_more and its url; default limit is 10', async () => {
    const first = await h.stripe.paymentIntents.list({ customer });
    expect(first.object).toBe('list');
    expect(first.url).toBe('/v1/payment_intents');
    expect(first.data).toHaveLength(10);
    expect(first.has_more).toBe(true);
    expect(first.data[0].id).toBe(created[129]);

    const second = await h.stripe.paymentIntents.list({ customer, limit: 5, starting_after: first.data[9].id });
    expect(second.data.map((pi) => pi.id)).toEqual(created.slice(115, 120).reverse());

    const back = await h.stripe.paymentIntents.list({ customer, limit: 3, ending_before: second.data[0].id });
    expect(back.data.map((pi) => pi.id)).toEqual(created.slice(120, 123).reverse());
    expect(back.has_more).toBe(true);

    const last = await h.stripe.paymentIntents.list({ customer, limit: 100, starting_after: created[30] });
    expect(last.data.map((pi) => pi.id)).toEqual(created.slice(0, 30).reverse());
    expect(last.has_more).toBe(false);
  });

  test('created filters bound the results', async () => {
    const inWindow = await h.stripe.paymentIntents
      .list({ customer, created: { gte: startedAt, lte: startedAt + 3600 }, limit: 100 })
      .autoPagingToArray({ limit: 1000 });
    expect(inWindow).toHaveLength(130);
    const future = await h.stripe.paymentIntents.list({ customer, created: { gt: startedAt + 3600 } });
    expect(future.data).toHaveLength(0);
    expect(future.has_more).toBe(false);
    const past = await h.stripe.paymentIntents.list({ created: { lt: startedAt } });
    expect(past.data).toHaveLength(0);
    const everyone = await h.stripe.paymentIntents.list({ created: { gte: startedAt }, limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(everyone).toHaveLength(131);
  });

  test('limit above 100 and unknown cursors are refused', async () => {
    const tooMany = await stripeErrorOf(h.stripe.paymentIntents.list({ limit: 101 }));
    expect(tooMany.code).toBe('parameter_invalid_integer');
    const badCursor = await stripeErrorOf(h.stripe.paymentIntents.list({ starting_after: 'pi_missing' }));
    expect(badCursor.code).toBe('resource_missing');
  });
});
