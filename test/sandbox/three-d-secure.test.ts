import { startHarness, waitFor, type SandboxHarness } from './helpers';

let h: SandboxHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function answer(url: string, outcome: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
}

describe('Stripe sandbox: 3-D Secure', () => {
  test('with a return_url the intent asks for a redirect; approving succeeds and redirects back', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 4200,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      return_url: 'http://shop.example/return?cart=7',
    });
    expect(pi.status).toBe('requires_action');
    expect(pi.next_action?.type).toBe('redirect_to_url');
    const challengeUrl = pi.next_action?.redirect_to_url?.url as string;
    expect(challengeUrl).toBe(`${h.sandbox.url}/_sandbox/3ds/${pi.id}`);
    expect(pi.next_action?.redirect_to_url?.return_url).toBe('http://shop.example/return?cart=7');

    const pageResponse = await fetch(challengeUrl);
    const html = await pageResponse.text();
    expect(pageResponse.status).toBe(200);
    expect(html).toContain('Durapay Stripe sandbox — no real money moves');
    expect(html).toContain('42.00 USD');
    expect(html).toContain('value="approve"');
    expect(html).toContain('value="fail"');

    const response = await answer(challengeUrl, 'approve');
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe('http://shop.example/return');
    expect(location.searchParams.get('cart')).toBe('7');
    expect(location.searchParams.get('payment_intent')).toBe(pi.id);
    expect(location.searchParams.get('redirect_status')).toBe('succeeded');

    const after = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('succeeded');
    expect(after.next_action).toBeNull();
    expect(after.latest_charge).toMatch(/^ch_/);

    const types = await waitFor(() => {
      const seen = h.receiver.eventsFor(pi.id).map((e) => e.type);
      return seen.length >= 4 && seen;
    }, '3DS webhooks');
    expect(types).toEqual(['payment_intent.created', 'payment_intent.requires_action', 'charge.succeeded', 'payment_intent.succeeded']);

    const repeat = await answer(challengeUrl, 'approve');
    expect(repeat.status).toBe(409);
    expect(await repeat.text()).toContain('succeeded');
  });

  test('failing authentication puts the intent back to requires_payment_method', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 1500,
      currency: 'eur',
      payment_method: 'pm_card_threeDSecure2Required',
      confirm: true,
      return_url: 'http://shop.example/return',
    });
    const response = await answer(pi.next_action?.redirect_to_url?.url as string, 'fail');
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location') as string).searchParams.get('redirect_status')).toBe('failed');

    const after = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_payment_error).toMatchObject({ type: 'invalid_request_error', code: 'payment_intent_authentication_failure' });
    expect(after.last_payment_error?.message).toMatch(/^The provided PaymentMethod has failed authentication/);
    await waitFor(() => h.receiver.eventsFor(pi.id).some((e) => e.type === 'payment_intent.payment_failed'), 'payment_failed webhook');
  });

  test('without a return_url the SDK-style next_action is used and approval answers an HTML page', async () => {
    const pi = await h.stripe.paymentIntents.create({
      amount: 800,
      currency: 'usd',
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
      capture_method: 'manual',
    });
    expect(pi.next_action?.type).toBe('use_stripe_sdk');
    const sdkAction = pi.next_action?.use_stripe_sdk as { type: string; stripe_js: string };
    expect(sdkAction.type).toBe('three_d_secure_redirect');
    expect(sdkAction.stripe_js).toBe(`${h.sandbox.url}/_sandbox/3ds/${pi.id}`);

    const response = await answer(sdkAction.stripe_js, 'approve');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('requires_capture');
    const after = await h.stripe.paymentIntents.retrieve(pi.id);
    expect(after.status).toBe('requires_capture');
    expect(after.amount_capturable).toBe(800);
  });

  test('use_stripe_sdk=false asks for a redirect even without a return_url', async () => {
    const pi = await h.stripe.paymentIntents.create({ amount: 800, currency: 'usd', payment_method: 'pm_card_authenticationRequired' });
    const confirmed = await h.stripe.paymentIntents.confirm(pi.id, { use_stripe_sdk: false });
    expect(confirmed.status).toBe('requires_action');
    expect(confirmed.next_action?.type).toBe('redirect_to_url');
    expect(confirmed.next_action?.redirect_to_url?.return_url).toBeNull();
  });
});
