import { createStripeClient } from '../../providers/stripe/stripe-client';
import { StripeProvider } from '../../providers/stripe/stripe-provider';
import { ProviderRateLimitError } from '../../providers/types';
import { startStripeSandbox, type StripeSandbox } from '../../sandbox/stripe';

/** A 429 reaches the adapter's caller as a neutral error with the delay: the SDK's own retries don't swallow it. */
describe('Stripe adapter under rate limits and list failures (sandbox faults)', () => {
  let sandbox: StripeSandbox;
  let provider: StripeProvider;
  const faults = (body: unknown) =>
    fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const requests = async () => ((await (await fetch(`${sandbox.url}/_sandbox/requests?list=true`)).json()) as { data: Array<{ status: number; path: string }> }).data;

  beforeAll(async () => {
    sandbox = await startStripeSandbox({ webhookSecret: 'whsec_faults', webhookUrl: null, port: 0, log: () => undefined });
    provider = new StripeProvider(createStripeClient({ secretKey: 'sk_test_faults', apiBase: sandbox.url }), 'whsec_faults');
  });
  afterEach(async () => {
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
    await fetch(`${sandbox.url}/_sandbox/requests`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('surfaces a 429 as ProviderRateLimitError carrying Retry-After, after exactly one request', async () => {
    expect((await faults({ rate_limit: { count: 1, retry_after: 7 } })).status).toBe(200);
    const error = await provider.listRefunds({ from: 0, to: 2_000_000_000 }, null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterSeconds).toBe(7);
    expect((await requests()).map((r) => r.status)).toEqual([429]);
    // The fault is used up: the next call goes through.
    await expect(provider.listRefunds({ from: 0, to: 2_000_000_000 }, null)).resolves.toEqual({ items: [], nextCursor: null });
  });

  it('lets K list pages through, then fails list requests without the SDK retrying them', async () => {
    await faults({ fail_list: { after_pages: 1, count: 1, status: 500 } });
    await expect(provider.listPayments({ from: 0, to: 2_000_000_000 }, null)).resolves.toBeDefined();
    await expect(provider.listPayments({ from: 0, to: 2_000_000_000 }, null)).rejects.toThrow(/fail_list/);
    await expect(provider.listPayments({ from: 0, to: 2_000_000_000 }, null)).resolves.toBeDefined();
    expect((await requests()).map((r) => r.status)).toEqual([200, 500, 200]);
  });

  it('refuses an unknown fault', async () => {
    const response = await faults({ explode: true });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/unknown fault/);
  });
});
