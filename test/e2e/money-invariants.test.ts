import type Stripe from 'stripe';
import type { Payment } from '../../domain/payment';
import { completeThreeDSecure, sandboxStripe, signStripePayload } from '../support/sandbox-control';
import { TestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * Issue #9's money invariants under a seeded storm: 50 payments, then thousands of interleaved operations —
 * duplicated, reordered, stale and forged webhooks, payer-return hits, client re-confirmations of old intents,
 * retries, 3-D Secure and PayPal approvals, concurrent refunds. Afterwards, per payment: what the engine counts as
 * captured equals what Stripe captured (or a provider_money_mismatch alert names it), no failed or canceled payment
 * holds money without that alert, and refunded never exceeds captured.
 *
 * DURAPAY_INVARIANT_SEED replays a run (the seed is printed); DURAPAY_INVARIANT_STEPS scales it (CI default below).
 */
const SEED = Number(process.env.DURAPAY_INVARIANT_SEED ?? 20261131);
const STEPS = Number(process.env.DURAPAY_INVARIANT_STEPS ?? 3000);
const PAYMENTS = 50;
const CONCURRENCY = 8;

/** mulberry32: a small, well-known seeded PRNG, so a seed replays the same choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface StepRandom {
  chance: () => number;
  choose: <T>(items: readonly T[]) => T;
}

function stepRandom(seed: number): StepRandom {
  const next = prng(seed);
  return { chance: next, choose: (items) => items[Math.floor(next() * items.length)] };
}

let stack: TestStack;
let stripe: Stripe;
beforeAll(async () => {
  stack = await TestStack.start({ timing: { pollInitialSeconds: 5, pollMaxSeconds: 10 }, refunds: { autoApproveMaxAmount: 800, autoApproveWithinHours: 24, pollInitialSeconds: 1 } });
  stripe = sandboxStripe(stack.sandbox);
});
afterAll(async () => {
  await stack?.stop();
});

jest.setTimeout(10 * 60_000);

const CARDS = ['pm_card_visa', 'pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_chargeDeclinedInsufficientFunds', 'pm_card_threeDSecure2Required', 'pm_card_threeDSecure2Required'];

describe('money invariants under a seeded storm of operations', () => {
  it(`holds for ${PAYMENTS} payments and ${STEPS} operations (seed ${SEED})`, async () => {
    console.log(`money invariants: seed ${SEED} (DURAPAY_INVARIANT_SEED=${SEED} replays), ${STEPS} steps`);
    const random = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const customerId = `cus_inv_${SEED}`;
    await stack.request('POST', '/v1/customers', { body: { id: customerId, email: `${customerId}@customer.test` } });

    const ids: string[] = [];
    for (let i = 0; i < PAYMENTS; i += 1) {
      const paypal = random() < 0.25;
      const body = paypal ? { amount: 1000 + Math.floor(random() * 4000), provider: 'paypal' } : { amount: 1000 + Math.floor(random() * 4000), payment_method: pick(CARDS), customer_id: customerId };
      const created = await stack.createPayment(body);
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }

    const counts: Record<string, number> = {};
    // Each step's own choices come from its own seed, so a step does the same whatever the interleaving.
    const operations: Record<string, (payment: Payment, r: StepRandom) => Promise<unknown>> = {
      /** A real Stripe event for the payment, delivered again (duplicated, late, out of order). */
      replayWebhook: async (payment, { choose }) => {
        const events = (await stripe.events.list({ limit: 100 })).data.filter((e) => (e.data.object as { metadata?: Record<string, string> }).metadata?.durapay_payment_id === payment.id);
        if (events.length === 0) return;
        await postStripe(JSON.stringify(choose(events)));
      },
      /** A signed but made-up event: succeeded, for another amount or another intent. */
      forgeWebhook: async (payment, { chance }) => {
        const fake = {
          id: `evt_forged_${Math.floor(chance() * 1e9)}`, object: 'event', type: 'payment_intent.succeeded', created: Math.floor(Date.now() / 1000),
          data: { object: {
            id: chance() < 0.5 ? (payment.provider_payment_id ?? 'pi_forged') : `pi_forged_${Math.floor(chance() * 1e6)}`, object: 'payment_intent',
            amount: chance() < 0.5 ? payment.amount : 1, amount_received: chance() < 0.5 ? payment.amount : 1, currency: 'eur', status: 'succeeded',
            metadata: { durapay_payment_id: payment.id }, last_payment_error: null, next_action: null, client_secret: null, capture_method: 'automatic',
          } },
        };
        await postStripe(JSON.stringify(fake));
      },
      payerReturn: async (payment, { chance }) => {
        const token = chance() < 0.5 ? (payment.provider_payment_id ?? '') : 'WRONGTOKEN0000000';
        await fetch(`${stack.apiUrl}/${chance() < 0.5 ? 'return' : 'cancel'}/paypal?payment_id=${payment.id}&token=${token}`);
      },
      /** The browser confirms the payment's old intent again with a good card. */
      reconfirm: async (payment) => {
        if (!payment.provider_payment_id?.startsWith('pi_')) return;
        await stripe.paymentIntents.confirm(payment.provider_payment_id, { payment_method: 'pm_card_visa' }).catch(() => undefined);
      },
      retry: async (payment, { choose }) => {
        await stack.request('POST', `/v1/payments/${payment.id}/retry`, { body: payment.provider === 'paypal' ? {} : { payment_method: choose(['pm_card_visa', 'pm_card_chargeDeclined']) } });
      },
      completeAction: async (payment, { choose }) => {
        const url = payment.next_action?.redirect_to_url.url;
        if (!url || payment.status !== 'requires_action') return;
        if (payment.provider === 'paypal') {
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `outcome=${choose(['approve', 'approve', 'decline', 'cancel'])}`, redirect: 'manual' })
            .then(async (response) => (response.headers.get('location') ? fetch(response.headers.get('location')!) : undefined));
        } else {
          await completeThreeDSecure(url, choose(['approve', 'approve', 'fail']));
        }
      },
      refund: async (payment, { chance }) => {
        const requested = await stack.request('POST', `/v1/payments/${payment.id}/refunds`, { body: { reason: 'requested_by_customer', amount: 100 + Math.floor(chance() * 1500) } });
        if (requested.status === 202 && requested.body.status === 'pending_review') {
          await stack.request('POST', `/v1/refunds/${requested.body.id}/approve`, { body: {}, key: stack.adminKey });
        }
      },
    };
    const names = Object.keys(operations);

    const plan = Array.from({ length: STEPS }, () => ({ paymentId: pick(ids), name: pick(names), seed: Math.floor(random() * 2 ** 32) }));
    let next = 0;
    const worker = async () => {
      for (let step = next++; step < STEPS; step = next++) {
        const { paymentId, name, seed } = plan[step];
        const payment = await stack.getPayment(paymentId);
        counts[name] = (counts[name] ?? 0) + 1;
        await operations[name](payment, stepRandom(seed));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`money invariants: operations ${JSON.stringify(counts)}`);

    // Let in-flight work settle: no payment still being created, no refund still on its way.
    await waitFor(async () => {
      const busy = await stack.db('payments').whereIn('id', ids).whereIn('status', ['pending', 'processing']).count({ n: '*' }).first();
      const refunding = await stack.db('refunds').whereIn('payment_id', ids).whereIn('status', ['approved', 'processing']).count({ n: '*' }).first();
      return Number(busy!.n) === 0 && Number(refunding!.n) === 0 ? true : undefined;
    }, { what: 'payments and refunds to settle', timeoutMs: 120_000, intervalMs: 1000 });
    const sync = await stack.request('POST', '/v1/admin/sync', { body: { provider: 'stripe' }, key: stack.adminKey });
    await waitFor(async () => ((await stack.request('GET', `/v1/admin/syncs/${sync.body.workflow_id}`, { key: stack.adminKey })).body.status === 'completed' ? true : undefined), { what: 'the sync', timeoutMs: 60_000 });

    const intents = await stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const refunds = await stripe.refunds.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    const alerts = await stack.db('alerts').where({ kind: 'provider_money_mismatch' });
    const alerted = (paymentId: string, providerPaymentId?: string) =>
      alerts.some((alert) => alert.data.payment_id === paymentId && (!providerPaymentId || alert.data.provider_payment_id === providerPaymentId));

    const problems: string[] = [];
    for (const id of ids) {
      const payment = await stack.getPayment(id);
      if (payment.amount_refunded > payment.amount_captured) problems.push(`${id}: refunded ${payment.amount_refunded} > captured ${payment.amount_captured}`);
      if (payment.provider !== 'stripe') continue;
      const own = intents.filter((intent) => intent.metadata?.durapay_payment_id === id);
      const charged = own.filter((intent) => intent.amount_received > 0);
      for (const intent of charged) {
        const counted = intent.id === payment.provider_payment_id && ['succeeded', 'partially_refunded', 'refunded', 'disputed'].includes(payment.status);
        if (!counted && !alerted(id, intent.id)) problems.push(`${id} (${payment.status}): ${intent.id} took ${intent.amount_received} without a provider_money_mismatch alert`);
      }
      const counted = charged.filter((intent) => intent.id === payment.provider_payment_id).reduce((sum, intent) => sum + intent.amount_received, 0);
      if (counted !== payment.amount_captured) problems.push(`${id}: engine captured ${payment.amount_captured}, Stripe ${counted}`);
      const refundedAtStripe = refunds.filter((refund) => refund.status === 'succeeded' && refund.payment_intent === payment.provider_payment_id).reduce((sum, refund) => sum + refund.amount, 0);
      if (refundedAtStripe !== payment.amount_refunded) problems.push(`${id}: engine refunded ${payment.amount_refunded}, Stripe ${refundedAtStripe}`);
      if (refundedAtStripe > counted) problems.push(`${id}: Stripe refunded ${refundedAtStripe} > captured ${counted}`);
    }
    if (problems.length) console.log(`money invariants (seed ${SEED}) broken:\n${problems.join('\n')}`);
    expect(problems).toEqual([]);
  });
});

async function postStripe(payload: string): Promise<void> {
  await fetch(`${stack.apiUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signStripePayload(payload, stack.webhookSecret) },
    body: payload,
  });
}
