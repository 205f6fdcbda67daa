import Router from '@koa/router';
import type { SandboxCore } from '../core';
import type { RequestState } from '../http-state';
import { page } from '../html';

/** Health, a landing page, and the webhook switches tests flip (no API key needed). */
export function sandboxControlRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  const { delivery } = core;
  const settings = () => ({ webhook_url: delivery.webhookUrl, ...delivery.switches });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true, sandbox: 'stripe' };
  });

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = page(
      'Stripe sandbox',
      `<p>A local stand-in for the Stripe API (test mode only). Point the Stripe SDK here with any <code>sk_test_</code> key.</p>
<ul><li><a href="/_sandbox/webhooks">Webhook switches</a></li><li><a href="/_sandbox/deliveries">Recent webhook deliveries</a></li></ul>`,
    );
  });

  router.get('/_sandbox/webhooks', (ctx) => {
    ctx.body = settings();
  });

  router.post('/_sandbox/webhooks', (ctx) => {
    const result = delivery.updateSwitches(ctx.state.params);
    if (typeof result === 'string') {
      ctx.status = 400;
      ctx.body = { error: result };
      return;
    }
    core.log(`webhook switches now ${JSON.stringify(result)}`);
    ctx.body = settings();
  });

  router.post('/_sandbox/reset-switches', (ctx) => {
    delivery.resetSwitches();
    ctx.body = settings();
  });

  router.get('/_sandbox/deliveries', (ctx) => {
    ctx.body = { object: 'list', data: delivery.attempts() };
  });

  return router;
}
