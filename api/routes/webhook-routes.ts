import { z } from 'zod';
import type { PaymentProvider } from '../../providers/types';
import { WebhookVerificationError } from '../../providers/types';
import { ApiError } from '../errors';
import { WEBHOOK_BODY_LIMIT_BYTES } from '../middleware/body';
import type { RouteTable } from '../route';
import { storeWebhook, type WebhookDispatcher } from '../webhook-inbox';
import type { Database } from '../../platform/database';

const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() }).meta({ id: 'WebhookAck' });

/** Verify, store, then hand over: the answer is fast and nothing is lost if Temporal is away. */
export function addWebhookRoutes(
  routes: RouteTable, db: Database, providers: PaymentProvider[], dispatcher: WebhookDispatcher,
  /** Runs after a rejection is recorded: the automatic pause counts them. */
  afterRejection: () => Promise<void> = async () => undefined,
): void {
  for (const provider of providers) {
    routes.add({
      method: 'post', path: `/webhooks/${provider.name}`, tag: 'Webhooks', roles: 'public',
      rawBody: true, bodyLimitBytes: WEBHOOK_BODY_LIMIT_BYTES,
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
            throw ApiError.invalid('webhook_signature_invalid', `Webhook rejected: ${error.message}`);
          }
          throw error;
        }
        const stored = await storeWebhook(db, event, ctx.state.rawBody ?? Buffer.alloc(0));
        await dispatcher.dispatch(stored.id, event);
        return { received: true, duplicate: stored.duplicate };
      },
    });
  }
}
