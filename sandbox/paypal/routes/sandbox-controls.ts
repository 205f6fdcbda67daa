import Router from '@koa/router';
import type { PayPalSandboxCore } from '../core';
import { page } from '../html';
import type { RequestState } from '../http-state';

/** Health, a landing page, the signing certificate, and the webhook switches tests flip (no token needed). */
export function sandboxControlRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  const { delivery } = core;
  const settings = () => ({ webhook_url: delivery.webhookUrl, ...delivery.switches });

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true, sandbox: 'paypal' };
  });

  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = page(
      'PayPal sandbox',
      `<p>A local stand-in for the PayPal REST API (Orders v2, Payments v2, OAuth). Point the PayPal SDK here with the sandbox's client id and secret.</p>
<ul><li><a href="/_sandbox/webhooks">Webhook switches</a></li><li><a href="/_sandbox/deliveries">Recent webhook deliveries</a></li><li><a href="/_sandbox/certs/paypal.pem">Webhook signing certificate</a></li></ul>`,
    );
  });

  // What PAYPAL-CERT-URL points at: the self-signed certificate of the key that signs webhooks.
  router.get('/_sandbox/certs/paypal.pem', (ctx) => {
    ctx.type = 'application/x-pem-file';
    ctx.body = core.store.signingKey.certificatePem;
  });

  router.get('/_sandbox/webhooks', (ctx) => {
    ctx.body = settings();
  });

  router.post('/_sandbox/webhooks', (ctx) => {
    const result = delivery.updateSwitches(ctx.state.body ?? {});
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
    ctx.body = { data: delivery.attempts() };
  });

  return router;
}
