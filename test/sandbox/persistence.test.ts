import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHarness, stripeErrorOf, waitFor } from './helpers';

describe('Stripe sandbox: persistence', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stripe-sandbox-test-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a restarted sandbox with the same state file still knows its objects, events and idempotency keys', async () => {
    const stateFile = path.join(dir, 'nested', 'stripe-sandbox.json');
    const first = await startHarness({ stateFile, webhookUrl: null });
    const pi = await first.stripe.paymentIntents.create(
      { amount: 7700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', metadata: { order: 'persist' } },
      { idempotencyKey: 'persist-key' },
    );
    const events = await first.stripe.events.list({ limit: 100 });
    await first.close();
    expect(fs.existsSync(stateFile)).toBe(true);
    expect(fs.readdirSync(path.dirname(stateFile)).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = await startHarness({ stateFile });
    try {
      const again = await second.stripe.paymentIntents.retrieve(pi.id);
      expect(again).toMatchObject({ id: pi.id, status: 'requires_capture', amount_capturable: 7700, metadata: { order: 'persist' } });
      const captured = await second.stripe.paymentIntents.capture(pi.id);
      expect(captured.status).toBe('succeeded');
      const charge = await second.stripe.charges.retrieve(pi.latest_charge as string);
      expect(charge.captured).toBe(true);

      const oldEvents = await second.stripe.events.list({ limit: 100 });
      expect(oldEvents.data.map((e) => e.id)).toEqual(expect.arrayContaining(events.data.map((e) => e.id)));

      const replay = await second.stripe.paymentIntents.create(
        { amount: 7700, currency: 'usd', payment_method: 'pm_card_visa', confirm: true, capture_method: 'manual', metadata: { order: 'persist' } },
        { idempotencyKey: 'persist-key' },
      );
      expect(replay.id).toBe(pi.id);
      expect(replay.status).toBe('requires_capture');
      const mismatch = await stripeErrorOf(second.stripe.paymentIntents.create({ amount: 1, currency: 'usd' }, { idempotencyKey: 'persist-key' }));
      expect(mismatch.statusCode).toBe(400);

      // The new sandbox still delivers webhooks for what happens after the restart.
      await waitFor(() => second.receiver.eventsFor(pi.id).some((e) => e.type === 'payment_intent.succeeded'), 'webhook after restart');
    } finally {
      await second.close();
    }
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { paymentIntents: Array<{ id: string; status: string }> };
    expect(saved.paymentIntents.find((p) => p.id === pi.id)?.status).toBe('succeeded');
  });

  test('a refund waiting to fail still fails after a restart', async () => {
    const stateFile = path.join(dir, 'refund-fail.json');
    const first = await startHarness({ stateFile, webhookUrl: null });
    const pi = await first.stripe.paymentIntents.create({ amount: 500, currency: 'usd', payment_method: 'pm_card_refundFail', confirm: true });
    const refund = await first.stripe.refunds.create({ payment_intent: pi.id });
    await first.close();

    const second = await startHarness({ stateFile });
    try {
      const failed = await waitFor(async () => (await second.stripe.refunds.retrieve(refund.id)).status === 'failed', 'refund to fail after restart');
      expect(failed).toBe(true);
      await waitFor(() => second.receiver.eventsFor(pi.id).some((e) => e.type === 'refund.failed'), 'refund.failed webhook');
    } finally {
      await second.close();
    }
  });

  test('a SEPA debit still processing at shutdown settles after a restart, at its original due time', async () => {
    const stateFile = path.join(dir, 'sepa-pending.json');
    // Long enough that the first sandbox is closed well before the debit is due.
    const first = await startHarness({ stateFile, webhookUrl: null, sepaDelayMs: 3000 });
    const customer = await first.stripe.customers.create({ email: 'persist@example.com' });
    const pm = await first.stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE62370400440532013001' },
      billing_details: { name: 'Persist', email: 'persist@example.com' },
    });
    const setup = await first.stripe.setupIntents.create({
      customer: customer.id, payment_method: pm.id, confirm: true, mandate_data: { customer_acceptance: { type: 'offline' } },
    });
    const pi = await first.stripe.paymentIntents.create({
      amount: 3000, currency: 'eur', customer: customer.id, payment_method: pm.id, mandate: setup.mandate as string, confirm: true,
    });
    expect(pi.status).toBe('processing');
    await first.close();
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as {
      paymentIntents: Array<{ id: string; status: string }>;
      sepaSettlements: Array<{ paymentIntentId: string; dueAt: number }>;
    };
    expect(saved.paymentIntents.find((p) => p.id === pi.id)?.status).toBe('processing');
    expect(saved.sepaSettlements.map((s) => s.paymentIntentId)).toEqual([pi.id]);
    expect(JSON.stringify(saved)).not.toContain('0532013001');

    // The second sandbox's own delay is far longer: only the persisted due time can settle the debit in time.
    const second = await startHarness({ stateFile, sepaDelayMs: 600_000 });
    try {
      const failed = await waitFor(async () => {
        const current = await second.stripe.paymentIntents.retrieve(pi.id);
        return current.status !== 'processing' && current;
      }, 'SEPA debit to settle after restart');
      expect(failed.status).toBe('requires_payment_method');
      expect(failed.last_payment_error?.code).toBe('insufficient_funds');
      expect((await second.stripe.mandates.retrieve(setup.mandate as string)).status).toBe('active');
      await waitFor(() => second.receiver.eventsFor(pi.id).some((e) => e.type === 'payment_intent.payment_failed'), 'payment_failed webhook');
    } finally {
      await second.close();
    }
  });
});
