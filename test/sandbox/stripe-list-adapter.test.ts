import { startStripeSandbox, type StripeSandbox } from '../../sandbox/stripe';
import { createStripeClient } from '../../providers/stripe/stripe-client';
import { StripeProvider } from '../../providers/stripe/stripe-provider';

/** The adapter's listPayments pages through more than one page of the list API and stays inside the range. */
describe('Stripe adapter listPayments against the sandbox', () => {
  let sandbox: StripeSandbox;
  let provider: StripeProvider;
  beforeAll(async () => {
    sandbox = await startStripeSandbox({ webhookSecret: 'whsec_list', webhookUrl: null, port: 0, log: () => undefined });
    provider = new StripeProvider(createStripeClient({ secretKey: 'sk_test_list', apiBase: sandbox.url }), 'whsec_list');
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('returns every PaymentIntent across pages exactly once', async () => {
    const stripe = createStripeClient({ secretKey: 'sk_test_list', apiBase: sandbox.url });
    const created = new Set<string>();
    for (let i = 0; i < 130; i += 1) {
      created.add((await stripe.paymentIntents.create({ amount: 100 + i, currency: 'eur', payment_method: 'pm_card_visa', confirm: true, return_url: 'http://127.0.0.1/r' })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await provider.listPayments({ from: 0, to: Math.floor(Date.now() / 1000) + 60 }, cursor);
      seen.push(...page.items.map((item) => item.providerPaymentId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(130);
    expect(new Set(seen)).toEqual(created);
    const none = await provider.listPayments({ from: 0, to: 1 }, null);
    expect(none.items).toEqual([]);
  });
});
