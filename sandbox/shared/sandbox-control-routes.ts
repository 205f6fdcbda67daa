import Router from '@koa/router';
import type Koa from 'koa';
import { sandboxPage, type PageLook } from './html';
import type { DeliveryAttempt, WebhookDelivery } from './webhook-delivery';
import type { WebhookSwitches } from './webhook-switches';

export interface SandboxControlOptions<State, Event, Switches extends WebhookSwitches> {
  /** As /healthz reports it. */
  sandbox: 'stripe' | 'paypal';
  delivery: WebhookDelivery<Event, Switches>;
  log: (line: string) => void;
  look: PageLook;
  /** The landing page's body. */
  landingPage: string;
  /** Where the body middleware put the switch patch. */
  switchPatch: (ctx: Koa.ParameterizedContext<State>) => unknown;
  /** The provider's list envelope for GET /_sandbox/deliveries. */
  listDeliveries: (attempts: DeliveryAttempt[]) => object;
}

/** Health, a landing page, and the webhook switches tests flip (no credentials needed). */
export function sandboxControlRoutes<State, Event, Switches extends WebhookSwitches>(
  options: SandboxControlOptions<State, Event, Switches>,
): Router<State> {
  const router = new Router<State>();
  const { delivery } = options;
  const settings = () => ({ webhook_url: delivery.webhookUrl, ...delivery.switches });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true, sandbox: options.sandbox };
  });

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = sandboxPage(options.look, options.look.site, options.landingPage);
  });

  router.get('/_sandbox/webhooks', (ctx) => {
    ctx.body = settings();
  });

  router.post('/_sandbox/webhooks', (ctx) => {
    const result = delivery.updateSwitches(options.switchPatch(ctx));
    if (typeof result === 'string') {
      ctx.status = 400;
      ctx.body = { error: result };
      return;
    }
    options.log(`webhook switches now ${JSON.stringify(result)}`);
    ctx.body = settings();
  });

  router.post('/_sandbox/reset-switches', (ctx) => {
    delivery.resetSwitches();
    ctx.body = settings();
  });

  router.get('/_sandbox/deliveries', (ctx) => {
    ctx.body = options.listDeliveries(delivery.attempts());
  });

  return router;
}
