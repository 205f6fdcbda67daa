import Stripe from 'stripe';
import type { StripeSandbox } from '../../sandbox/stripe';

/** Test-side helpers for the Stripe sandbox: its switches, its 3-D Secure page, and its own view of PaymentIntents. */
export async function setWebhookSwitches(sandbox: StripeSandbox, switches: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(switches),
  });
  if (!response.ok) throw new Error(`sandbox switches: ${response.status}`);
}

export async function resetWebhookSwitches(sandbox: StripeSandbox): Promise<void> {
  await fetch(`${sandbox.url}/_sandbox/reset-switches`, { method: 'POST' });
}

export async function completeThreeDSecure(redirectUrl: string, outcome: 'approve' | 'fail'): Promise<number> {
  const response = await fetch(redirectUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `outcome=${outcome}`,
    redirect: 'manual',
  });
  return response.status;
}

export function sandboxStripe(sandbox: StripeSandbox): Stripe {
  const url = new URL(sandbox.url);
  return new Stripe('sk_test_durapay_sandbox', { host: url.hostname, port: url.port, protocol: 'http', telemetry: false });
}

/** PaymentIntents the sandbox holds for one Durapay payment: the proof of "exactly one charge". */
export async function paymentIntentsFor(sandbox: StripeSandbox, paymentId: string): Promise<Stripe.PaymentIntent[]> {
  const all = await sandboxStripe(sandbox).paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  return all.filter((intent) => intent.metadata?.durapay_payment_id === paymentId);
}

export function signStripePayload(payload: string, secret: string): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret });
}
