import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Database } from '../../platform/database';
import { capabilitiesOf, type ProviderCapabilities, providersWithPayerReturns, sendsPayerAway } from '../../providers/capabilities';
import { payerReturnSignal } from '../../workflows/definitions';
import type { PaymentEngine } from '../payment-commands';
import { findPayment } from '../payment-reads';
import type { RouteTable } from '../route';

const ReturnQuery = z.object({ payment_id: z.string().regex(/^pay_[A-Za-z0-9]+$/), token: z.string().max(64).optional(), PayerID: z.string().optional() });

/** However often the link is hit, the workflow is asked to look at PayPal at most once per payment in this window. */
export const PAYER_RETURN_CHECK_INTERVAL_SECONDS = 5;

function page(title: string, message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${message}</p></body></html>`;
}

/** Shown for any link that does not act: says nothing about the payment, or whether it exists. */
const NEUTRAL_PAGE = page('Thank you', 'You can close this window and return to the merchant.');

/** Claims this payment's look-up slot; false when another hit claimed it within the window. Atomic across API instances. */
async function claimCheck(db: Database, paymentId: string): Promise<boolean> {
  const { rows } = await db.raw(
    `insert into payer_return_checks (payment_id, checked_at) values (?, now())
     on conflict (payment_id) do update set checked_at = excluded.checked_at
     where payer_return_checks.checked_at < now() - make_interval(secs => ?)
     returning payment_id`,
    [paymentId, PAYER_RETURN_CHECK_INTERVAL_SECONDS],
  );
  return rows.length > 0;
}

/**
 * Where a redirect provider (PayPal) sends the payer back. Unauthenticated, so it is bound to what it returns from:
 * only a payment of that provider still waiting for its payer, and only with the `token` the provider appends (PayPal's
 * order id). Even then it is only a hint: the workflow asks the provider itself what happened.
 */
export function addPayerReturnRoutes(routes: RouteTable, engine: PaymentEngine): void {
  for (const provider of providersWithPayerReturns().map(capabilitiesOf)) addProviderReturnRoutes(routes, engine, provider);
}

function addProviderReturnRoutes(routes: RouteTable, engine: PaymentEngine, provider: ProviderCapabilities): void {
  for (const [outcome, path, title, message] of [
    ['approved', `/return/${provider.name}`, 'Thank you', 'Your payment is being completed. You can close this window and return to the merchant.'],
    ['canceled', `/cancel/${provider.name}`, 'Payment canceled', `You canceled the payment at ${provider.displayName}. You can close this window and choose another way to pay.`],
  ] as const) {
    routes.add({
      method: 'get', path, tag: 'Webhooks', roles: 'public',
      summary: `The payer comes back from ${provider.displayName} (${outcome})`,
      query: ReturnQuery,
      response: { status: 200, description: 'A page for the payer', schema: z.string(), contentType: 'text/html' },
      handler: async (ctx, { query }) => {
        ctx.type = 'html';
        const payment = await findPayment(engine.db, query.payment_id);
        const bound = payment !== null && payment.provider === provider.name && sendsPayerAway(payment) && payment.status === 'requires_action'
          && query.token !== undefined && query.token === payment.provider_payment_id;
        if (!bound) {
          ctx.body = NEUTRAL_PAGE;
          return ctx.body;
        }
        if (await claimCheck(engine.db, payment.id)) {
          try {
            await engine.client.workflow.getHandle(payment.id).signal(payerReturnSignal, { outcome });
          } catch (error) {
            // A finished payment: nothing to tell it, and nothing to reveal to the browser.
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
        }
        ctx.body = page(title, message);
        return ctx.body;
      },
    });
  }
}
