import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createAlertActivities } from '../../activities/alert-activities';
import type { Payment } from '../../domain/payment';
import type { Refund } from '../../domain/refund';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

/** Screenshots a person can look at (git-ignored). */
const SHOTS = path.resolve(__dirname, '..', '..', 'test-output', 'admin-console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
/** The machine is shared: waits are generous, and nothing asserts on how long anything took. */
const WAIT = { timeout: 90_000 };
jest.setTimeout(240_000);

let stack: TestStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let receiver: WebhookReceiver;
const endpointsMade: string[] = [];

async function shot(name: string, target: Page = page): Promise<void> {
  await target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function paidPayment(customerId: string, amount = 4200): Promise<Payment> {
  const payment = await stack.createPayment({ amount, payment_method: 'pm_card_visa', customer_id: customerId, description: 'Console test order' });
  expect(payment.body.status).toBe('succeeded');
  return payment.body;
}

async function requestRefund(paymentId: string, amount: number): Promise<Refund> {
  const refund = await stack.request<Refund>('POST', `/v1/payments/${paymentId}/refunds`, { body: { amount, reason: 'requested_by_customer', details: 'Arrived broken' } });
  expect(refund.status).toBe(202);
  return refund.body;
}

async function raiseAlert(message: string): Promise<string> {
  const alerts = createAlertActivities({ db: stack.db, adminEmails: [], sendEmail: async () => undefined });
  const { id } = await alerts.raiseAlert({ dedupeKey: `console-test:${randomBytes(6).toString('hex')}`, kind: 'webhooks_missed', severity: 'warning', message, data: { provider: 'stripe', repaired: 2 } });
  return id;
}

async function signIn(target: Page, key: string): Promise<void> {
  await target.goto(`${stack.apiUrl}/admin`);
  await target.getByLabel('Admin key').waitFor(WAIT);
  // Keyboard only: the key field has focus, Enter submits.
  await target.keyboard.type(key);
  await target.keyboard.press('Enter');
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Payments of 5,000.00 and more wait for a risk review; the other tests pay far less.
  stack = await TestStack.start({ risk: { reviewAmount: 500_000 } });
  receiver = await WebhookReceiver.start();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  // The database outlives this file: later files' events must not be queued for this receiver.
  for (const id of endpointsMade) await stack?.request('DELETE', `/v1/webhook-endpoints/${id}`);
  await receiver?.close();
  await browser?.close();
  await stack?.stop();
});

describe('the admin console in a real browser', () => {
  it('refuses a wrong key and the merchant key: no session, the pages stay behind sign-in', async () => {
    const stranger = await browser.newContext({ viewport: DESKTOP });
    const guest = await stranger.newPage();
    await guest.goto(`${stack.apiUrl}/admin/payments`);
    await guest.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await shot('sign-in', guest);

    for (const wrongKey of ['dp_admin_not-the-key-000000000', stack.merchantKey]) {
      await signIn(guest, wrongKey);
      await guest.getByRole('alert').filter({ hasText: 'not the admin key' }).waitFor(WAIT);
      expect((await stranger.cookies()).some((c) => c.name === 'durapay_admin_session')).toBe(false);
    }
    await shot('sign-in-wrong-key', guest);
    const direct = await guest.goto(`${stack.apiUrl}/admin/refunds`);
    expect(direct?.url()).toContain('/admin/sign-in');
    await stranger.close();
  });

  it('signs in once: an HttpOnly SameSite=Strict session cookie, the key nowhere in the page or storage', async () => {
    await signIn(page, stack.adminKey);
    await page.getByRole('heading', { name: 'Payments', exact: true }).waitFor(WAIT);
    const cookie = (await context.cookies()).find((c) => c.name === 'durapay_admin_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(cookie!.value).not.toContain(stack.adminKey);
    expect(await page.content()).not.toContain(stack.adminKey);
    const stored = await page.evaluate<string>('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie })');
    expect(stored).not.toContain(stack.adminKey);
    expect(stored).not.toContain(cookie!.value);
  });

  it('finds a payment by id and opens its timeline, with source and actor on each line and links out', async () => {
    const customerId = `cus_console_${randomBytes(3).toString('hex')}`;
    const payment = await paidPayment(customerId, 1999);
    await paidPayment(customerId, 3500);
    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('table').waitFor(WAIT);
    await shot('payments');

    await page.getByLabel('Payment id').fill(payment.id);
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('table', { name: 'The payment with this id' });
    await results.waitFor(WAIT);
    const row = results.getByRole('row').filter({ hasText: payment.id });
    expect(await results.getByRole('row').count()).toBe(2); // the header and the payment
    await shot('payments-search-by-id');

    await row.getByRole('link', { name: payment.id }).click();
    await page.getByRole('heading', { name: `Payment ${payment.id}` }).waitFor(WAIT);
    const timeline = page.getByRole('table').filter({ hasText: 'Everything that happened' });
    const lines = await timeline.locator('tbody tr').allInnerTexts();
    const history = await stack.events(payment.id);
    expect(lines).toHaveLength(history.length);
    expect(lines.join('\n')).toContain('api');
    expect(lines.join('\n')).toContain(history[0].actor);
    expect(await page.getByRole('link', { name: /Workflow in the Temporal UI/ }).getAttribute('href')).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${payment.id}`);
    expect(await page.getByRole('link', { name: /PaymentIntent in the Stripe sandbox/ }).getAttribute('href')).toContain(`/v1/payment_intents/${payment.provider_payment_id}`);
    await page.getByRole('button', { name: 'Request refund' }).waitFor(WAIT);
    await shot('payment');
    await page.setViewportSize(PHONE);
    await shot('payment-phone');
    await page.setViewportSize(DESKTOP);

    // Search by customer, amount range and date: the two payments, newest first.
    const today = new Date().toISOString().slice(0, 10);
    await page.goto(`${stack.apiUrl}/admin/payments?customer_id=${customerId}&amount_min=19.99&amount_max=35&from=${today}&to=${today}&status=succeeded&provider=stripe&payment_method_type=card`);
    const found = await page.locator('tbody tr').allInnerTexts();
    expect(found).toHaveLength(2);
    expect(found[0]).toContain('35.00 EUR');
    expect(found[1]).toContain('19.99 EUR');
  });

  it('captures an authorization from its page, through the API', async () => {
    const authorized = await stack.createPayment({ amount: 5000, payment_method: 'pm_card_visa', capture_method: 'manual' });
    expect(authorized.body.status).toBe('requires_capture');
    await page.goto(`${stack.apiUrl}/admin/payments/${authorized.body.id}`);
    await page.getByRole('button', { name: 'Cancel payment' }).waitFor(WAIT);
    await shot('payment-requires-capture');
    await page.getByLabel('Amount to capture').fill('30.00');
    await page.getByRole('button', { name: 'Capture' }).click();
    await page.getByRole('status').filter({ hasText: 'Captured' }).waitFor(WAIT);
    const captured = await stack.getPayment(authorized.body.id);
    expect(captured).toMatchObject({ status: 'succeeded', amount_captured: 3000 });
  });

  it('approves one refund and denies another with a reason; the API shows both decisions and who made them', async () => {
    const [first, second] = [await paidPayment('cus_refunds', 8000), await paidPayment('cus_refunds', 6000)];
    const approveMe = await requestRefund(first.id, 2500);
    const denyMe = await requestRefund(second.id, 6000);
    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('link', { name: 'Refund queue' }).click();
    await page.getByRole('heading', { name: 'Refund queue' }).waitFor(WAIT);
    await shot('refund-queue');

    const approveCard = page.getByRole('article').filter({ hasText: approveMe.id });
    await approveCard.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: `Refund ${approveMe.id} approved` }).waitFor(WAIT);

    const denyCard = page.getByRole('article').filter({ hasText: denyMe.id });
    // Deny needs a reason: the browser will not send the form without one.
    await denyCard.getByRole('button', { name: 'Deny' }).click();
    expect((await stack.request<Refund>('GET', `/v1/refunds/${denyMe.id}`)).body.status).toBe('pending_review');
    await denyCard.getByLabel(/Reason for denying/).fill('Outside the return policy: used item');
    await denyCard.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('status').filter({ hasText: `Refund ${denyMe.id} denied` }).waitFor(WAIT);
    await shot('refund-queue-decided');

    const approved = (await stack.request<Refund>('GET', `/v1/refunds/${approveMe.id}`)).body;
    expect(approved.status).not.toBe('pending_review');
    expect(approved.status).not.toBe('denied');
    expect(approved.decided_by).toMatch(/^api_key:admin_/);
    const denied = (await stack.request<Refund>('GET', `/v1/refunds/${denyMe.id}`)).body;
    expect(denied).toMatchObject({ status: 'denied', decision_reason: 'Outside the return policy: used item' });
    expect(denied.decided_by).toMatch(/^api_key:admin_/);
    const decided = page.getByRole('table').filter({ hasText: 'Recently decided' });
    await decided.getByRole('row').filter({ hasText: denyMe.id }).filter({ hasText: 'Outside the return policy' }).waitFor(WAIT);
    await stack.waitForPayment(first.id, (p) => p.status === 'partially_refunded', 90_000);
  });

  it('acknowledges an alert', async () => {
    const alertId = await raiseAlert('Stripe sync repaired 2 payments whose webhooks never arrived');
    await page.goto(`${stack.apiUrl}/admin/alerts`);
    const row = page.getByRole('row').filter({ hasText: 'Stripe sync repaired 2 payments' });
    await row.waitFor(WAIT);
    await shot('alerts');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('status').filter({ hasText: 'Alert acknowledged' }).waitFor(WAIT);
    const alert = (await stack.request('GET', '/v1/admin/alerts?acknowledged=true', { key: stack.adminKey })).body.data.find((a: { id: string }) => a.id === alertId);
    expect(alert.acknowledged_by).toMatch(/^api_key:admin_/);
    await shot('alerts-acknowledged');
  });

  it('starts a sync and shows its counts when it ends', async () => {
    await page.goto(`${stack.apiUrl}/admin/syncs`);
    await page.getByLabel('Provider').selectOption('stripe');
    await page.getByRole('button', { name: 'Start sync' }).click();
    const started = page.getByRole('status').filter({ hasText: 'Sync started' });
    await started.waitFor(WAIT);
    const workflowId = /Sync started: (\S+)\./.exec(await started.innerText())![1];
    const run = await waitFor(async () => {
      const answer = await stack.request('GET', `/v1/admin/syncs/${workflowId}`, { key: stack.adminKey });
      return answer.body.status === 'completed' ? answer.body : undefined;
    }, { what: `sync ${workflowId} to complete`, timeoutMs: 90_000 });
    // The page refreshes its table while the run goes on: the finished row appears without a reload.
    const row = page.getByRole('row').filter({ hasText: workflowId }).filter({ hasText: 'completed' });
    await row.waitFor(WAIT);
    expect(await row.innerText()).toContain(String(run.counts.seen));
    await shot('sync-runs');
  });

  it('refuses a state-changing request without the CSRF token, or from another site', async () => {
    const alertId = await raiseAlert('An alert nobody may acknowledge by forgery');
    const url = `${stack.apiUrl}/admin/alerts/${alertId}/ack`;
    const noToken = await context.request.post(url, { form: { idempotency_key: `forged-${randomBytes(8).toString('hex')}` } });
    expect(noToken.status()).toBe(403);
    const wrongToken = await context.request.post(url, { form: { _csrf: 'guessed', idempotency_key: `forged-${randomBytes(8).toString('hex')}` } });
    expect(wrongToken.status()).toBe(403);
    // The right token from another site (a browser says so in Sec-Fetch-Site) is refused too.
    await page.goto(`${stack.apiUrl}/admin/alerts`);
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    const crossSite = await context.request.post(url, { form: { _csrf: token, idempotency_key: `forged-${randomBytes(8).toString('hex')}` }, headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status()).toBe(403);
    const alerts = (await stack.request('GET', '/v1/admin/alerts?acknowledged=false', { key: stack.adminKey })).body.data;
    expect(alerts.some((a: { id: string }) => a.id === alertId)).toBe(true);
    // The same request with the token is the console's own, and works.
    const genuine = await context.request.post(url, { form: { _csrf: token, idempotency_key: `genuine-${randomBytes(8).toString('hex')}` }, maxRedirects: 0 });
    expect(genuine.status()).toBe(303);
  });

  it('charts revenue by day and method from the reports API, with its CSV', async () => {
    await paidPayment('cus_revenue', 1200);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    await waitFor(async () => {
      const report = await stack.request('GET', `/v1/reports/revenue?from=${today}&to=${tomorrow}&group_by=method`, { key: stack.adminKey });
      return report.body.data?.length ? true : undefined;
    }, { what: 'the ledger to book the capture', timeoutMs: 90_000 });
    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('link', { name: 'Revenue' }).click();
    await page.getByRole('heading', { name: 'Revenue' }).waitFor(WAIT);
    await page.getByRole('img', { name: /Net revenue in EUR per period/ }).waitFor(WAIT);
    const todayRow = page.getByRole('table', { name: /Revenue in EUR/ }).getByRole('row').filter({ hasText: today }).filter({ hasText: 'card' });
    await todayRow.waitFor(WAIT);
    await shot('revenue');

    await page.getByLabel('Period', { exact: true }).selectOption('month');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('table', { name: /Revenue in EUR/ }).getByRole('row').filter({ hasText: `${today.slice(0, 7)}-01` }).filter({ hasText: 'card' }).waitFor(WAIT);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download CSV' }).click();
    const file = await download;
    const csv = readFileSync((await file.path())!, 'utf8');
    const url = new URL(await page.getByRole('link', { name: 'Download CSV' }).getAttribute('href') ?? '', stack.apiUrl);
    const to = new Date(Date.parse(`${url.searchParams.get('to')}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const fromApi = await fetch(`${stack.apiUrl}/v1/reports/revenue.csv?from=${url.searchParams.get('from')}&to=${to}&interval=month&group_by=method`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(csv).toBe(await fromApi.text());
    expect(csv.split('\n')[0]).toBe('period_start,group,currency,gross,refunded,disputed,net,count');
  });

  it('approves one held payment and blocks another with a reason', async () => {
    const held = async () => {
      const payment = await stack.createPayment({ amount: 600_000, payment_method: 'pm_card_visa', customer_id: 'cus_big_spender' });
      expect(payment.body.status).toBe('requires_review');
      return payment.body;
    };
    const [approveMe, blockMe] = [await held(), await held()];
    // The held payment's own page offers the same decision.
    await page.goto(`${stack.apiUrl}/admin/payments/${blockMe.id}`);
    await page.getByRole('button', { name: 'Block' }).waitFor(WAIT);
    await shot('payment-requires-review');
    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('link', { name: 'Risk reviews' }).click();
    await page.getByRole('heading', { name: 'Risk reviews' }).waitFor(WAIT);
    await shot('risk-reviews');

    await page.getByRole('article').filter({ hasText: approveMe.id }).getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: `Payment ${approveMe.id} approved` }).waitFor(WAIT);
    const blockCard = page.getByRole('article').filter({ hasText: blockMe.id });
    await blockCard.getByLabel(/Reason for blocking/).fill('Card testing pattern');
    await blockCard.getByRole('button', { name: 'Block' }).click();
    await page.getByRole('status').filter({ hasText: `Payment ${blockMe.id} blocked` }).waitFor(WAIT);
    await shot('risk-reviews-decided');

    const reviews = (await stack.request('GET', '/v1/reviews?limit=100', { key: stack.adminKey })).body.data as Array<Record<string, any>>;
    expect(reviews.find((r) => r.payment_id === approveMe.id)).toMatchObject({ status: 'approved', decided_by: expect.stringMatching(/^api_key:admin_/) });
    expect(reviews.find((r) => r.payment_id === blockMe.id)).toMatchObject({ status: 'blocked', decision_reason: 'Card testing pattern' });
  });

  it('lists webhook endpoints and their deliveries; redelivers an event and disables an endpoint', async () => {
    const created = await stack.request('POST', '/v1/webhook-endpoints', { body: { url: `${receiver.url}/console`, enabled_events: ['payment.succeeded'], description: 'Console test receiver' } });
    expect(created.status).toBe(201);
    endpointsMade.push(created.body.id);
    const payment = await paidPayment('cus_webhooks', 1500);
    await waitFor(async () => (receiver.received.some((r) => r.path === '/console' && r.event.data.object.id === payment.id) ? true : undefined), { what: 'the payment.succeeded delivery', timeoutMs: 90_000 });

    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('link', { name: 'Webhook endpoints' }).click();
    const row = page.getByRole('row').filter({ hasText: created.body.id });
    await row.waitFor(WAIT);
    await shot('webhook-endpoints');
    await row.getByRole('link', { name: created.body.id }).click();
    await page.getByRole('heading', { name: `Webhook endpoint ${created.body.id}` }).waitFor(WAIT);
    const delivery = page.getByRole('row').filter({ hasText: 'payment.succeeded' }).first();
    await delivery.waitFor(WAIT);
    await shot('webhook-deliveries');
    const before = receiver.received.filter((r) => r.path === '/console').length;
    await delivery.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByRole('status').filter({ hasText: 'sent again' }).waitFor(WAIT);
    await waitFor(async () => (receiver.received.filter((r) => r.path === '/console').length > before ? true : undefined), { what: 'the redelivery', timeoutMs: 90_000 });

    await page.getByRole('link', { name: 'Webhook endpoints' }).click();
    await page.getByRole('row').filter({ hasText: created.body.id }).getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('status').filter({ hasText: `Endpoint ${created.body.id} disabled` }).waitFor(WAIT);
    expect((await stack.request('GET', `/v1/webhook-endpoints/${created.body.id}`)).body.status).toBe('disabled');
  });

  it('shows disputes, and a page for console addresses that lead nowhere', async () => {
    await page.goto(`${stack.apiUrl}/admin/disputes`);
    await page.getByRole('heading', { name: 'Disputes' }).waitFor(WAIT);
    await shot('disputes');
    const missing = await page.goto(`${stack.apiUrl}/admin/no-such-page`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor(WAIT);
    const missingPayment = await page.goto(`${stack.apiUrl}/admin/payments/pay_doesNotExist`);
    expect(missingPayment?.status()).toBe(404);
    await page.getByRole('alert').filter({ hasText: 'No such payment' }).waitFor(WAIT);
  });

  it('is usable on a phone', async () => {
    const phone = await context.newPage();
    await phone.setViewportSize(PHONE);
    for (const [name, pagePath] of [['payments-phone', '/admin/payments'], ['refund-queue-phone', '/admin/refunds'], ['sync-runs-phone', '/admin/syncs'], ['revenue-phone', '/admin/revenue'], ['alerts-phone', '/admin/alerts']]) {
      await phone.goto(`${stack.apiUrl}${pagePath}`);
      await phone.getByRole('navigation', { name: 'Console' }).waitFor(WAIT);
      // Nothing wider than the screen but the tables, which scroll inside their own box.
      const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      await shot(name, phone);
      expect({ page: name, overflow: Math.max(overflow, 0) }).toEqual({ page: name, overflow: 0 });
    }
    await phone.close();
  });

  it('signs out: the session is gone, its cookie no longer opens a page', async () => {
    const cookie = (await context.cookies()).find((c) => c.name === 'durapay_admin_session')!;
    await page.goto(`${stack.apiUrl}/admin/payments`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    const replay = await fetch(`${stack.apiUrl}/admin/payments`, { headers: { cookie: `durapay_admin_session=${cookie.value}` }, redirect: 'manual' });
    expect(replay.status).toBe(302);
    expect(replay.headers.get('location')).toContain('/admin/sign-in');
  });
});
