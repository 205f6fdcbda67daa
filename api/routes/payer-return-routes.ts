import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { payerReturnSignal } from '../../workflows/definitions';
import type { PaymentEngine } from '../payment-commands';
import type { RouteTable } from '../route';

const ReturnQuery = z.object({ payment_id: z.string().regex(/^pay_[A-Za-z0-9]+$/), token: z.string().optional(), PayerID: z.string().optional() });

function page(title: string, message: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:4rem auto"><h1>${title}</h1><p>${message}</p></body></html>`;
}

/**
 * Where PayPal sends the payer back. The query string is only a hint: the workflow asks PayPal itself
 * what happened, so a forged return changes nothing.
 */
export function addPayerReturnRoutes(routes: RouteTable, engine: PaymentEngine): void {
  for (const [outcome, path, title, message] of [
    ['approved', '/return/paypal', 'Thank you', 'Your payment is being completed. You can close this window and return to the merchant.'],
    ['canceled', '/cancel/paypal', 'Payment canceled', 'You canceled the payment at PayPal. You can close this window and choose another way to pay.'],
  ] as const) {
    routes.add({
      method: 'get', path, tag: 'Webhooks', roles: 'public',
      summary: `The payer comes back from PayPal (${outcome})`,
      query: ReturnQuery,
      response: { status: 200, description: 'A page for the payer', schema: z.string() },
      handler: async (ctx, { query }) => {
        try {
          await engine.client.workflow.getHandle(query.payment_id).signal(payerReturnSignal, { outcome });
        } catch (error) {
          // A finished or unknown payment: nothing to tell it, and nothing to reveal to the browser.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
        ctx.type = 'html';
        ctx.body = page(title, message);
        return ctx.body;
      },
    });
  }
}
