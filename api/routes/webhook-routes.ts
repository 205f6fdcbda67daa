import { z } from 'zod';
import type { ProviderEvent } from '../../domain/provider-types';
import type { PaymentProvider } from '../../providers/types';
import { WebhookVerificationError } from '../../providers/types';
import { ApiError } from '../errors';
import { WEBHOOK_BODY_LIMIT_BYTES } from '../middleware/body';
import type { RouteTable } from '../route';
import { storeWebhook, type WebhookDispatcher, WebhookInbox } from '../webhook-inbox';
import type { Database } from '../../platform/database';

/** The header each provider signs its webhooks in (PayPal sends four more it checks along). */
const SIGNATURE_HEADERS: Record<string, string> = { stripe: 'Stripe-Signature', paypal: 'PAYPAL-TRANSMISSION-SIG' };

const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() }).meta({ id: 'WebhookAck' });

/**
 * Stores the event, once per signed delivery: a delivery id (PayPal's transmission id) seen before is a replay, and is
 * acknowledged without being stored or applied again. Null for a replay.
 */
async function storeOnce(db: Database, inbox: WebhookInbox, event: ProviderEvent, rawBody: Buffer) {
  if (!event.deliveryId) return inbox.store(event, rawBody);
  return db.transaction(async (trx) => {
    const fresh = await trx('webhook_transmissions').insert({ provider: event.provider, delivery_id: event.deliveryId }).onConflict(['provider', 'delivery_id']).ignore().returning('delivery_id');
    return fresh.length > 0 ? storeWebhook(trx, event, rawBody) : null;
  });
}

/** Verify, store, answer; the hand-over follows: the answer is fast and nothing is lost if Temporal is away. */
export function addWebhookRoutes(
  routes: RouteTable, db: Database, providers: PaymentProvider[], dispatcher: WebhookDispatcher,
  /** Runs after a rejection is recorded: the automatic pause counts them. */
  afterRejection: () => Promise<void> = async () => undefined,
): void {
  const inbox = new WebhookInbox(db);
  for (const provider of providers) {
    routes.add({
      method: 'post', path: `/webhooks/${provider.name}`, tag: 'Webhooks', roles: 'public',
      rawBody: true, bodyLimitBytes: WEBHOOK_BODY_LIMIT_BYTES,
      signatureHeader: SIGNATURE_HEADERS[provider.name] ?? `${provider.name}-signature`,
      summary: `Receive ${provider.name} webhooks (signature verified over the raw body)`,
      response: { status: 200, description: 'Stored; applied exactly once', schema: WebhookAck },
      handler: async (ctx) => {
        let event;
        try {
          event = await provider.parseWebhook(ctx.state.rawBody ?? Buffer.alloc(0), ctx.headers);
        } catch (error) {
          if (error instanceof WebhookVerificationError) {
            // Counted for the webhook failure alert; the body itself can't be trusted and is not kept.
            await db('webhook_rejections').insert({ provider: provider.name, reason: error.message.slice(0, 500) }).catch(() => undefined);
            await afterRejection().catch(() => undefined);
            // The signature is how the sender authenticates: a missing or wrong one is a 401.
            throw new ApiError(401, 'authentication_error', 'webhook_signature_invalid', `Webhook rejected: ${error.message}`);
          }
          throw error;
        }
        const stored = await storeOnce(db, inbox, event, ctx.state.rawBody ?? Buffer.alloc(0));
        if (!stored) return { received: true, duplicate: true };
        // Answered once stored: the workflow gets the event from the hand-off queue (or the relay), not before the answer.
        void dispatcher.enqueue(stored.id, event, { paymentId: stored.paymentId, duplicate: stored.duplicate });
        return { received: true, duplicate: stored.duplicate };
      },
    });
  }
}
