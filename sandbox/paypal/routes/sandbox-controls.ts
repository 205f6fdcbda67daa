import type Router from '@koa/router';
import { sandboxControlRoutes as sharedControlRoutes } from '../../shared/sandbox-control-routes';
import type { PayPalSandboxCore } from '../core';
import { disputeJson, getDispute, openDispute, resolveDispute } from '../disputes';
import { PAGE_LOOK } from '../html';
import type { RequestState } from '../http-state';
import type { WebhookEvent } from '../types';
import type { PayPalWebhookSwitches } from '../webhook-delivery';

/** Health, a landing page, the signing certificate, and the webhook switches tests flip (no token needed). */
export function sandboxControlRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = sharedControlRoutes<RequestState, WebhookEvent, PayPalWebhookSwitches>({
    sandbox: 'paypal',
    delivery: core.delivery,
    log: (line) => core.log(line),
    look: PAGE_LOOK,
    landingPage: `<p>A local stand-in for the PayPal REST API (Orders v2, Payments v2, OAuth). Point the PayPal SDK here with the sandbox's client id and secret.</p>
<ul><li><a href="/_sandbox/webhooks">Webhook switches</a></li><li><a href="/_sandbox/deliveries">Recent webhook deliveries</a></li><li><a href="/_sandbox/certs/paypal.pem">Webhook signing certificate</a></li></ul>`,
    switchPatch: (ctx) => ctx.state.body ?? {},
    listDeliveries: (data) => ({ data }),
  });

  // Disputes: the payer opens one on a captured order, then PayPal decides (no token needed, like the switches).
  router.post('/_sandbox/disputes', (ctx) => {
    const dispute = openDispute(core, (ctx.state.body ?? {}) as Record<string, unknown>);
    core.log(`dispute ${dispute.dispute_id} opened on capture ${dispute.capture_id}`);
    ctx.status = 201;
    ctx.body = disputeJson(core, dispute);
  });

  router.post('/_sandbox/disputes/:id/resolve', (ctx) => {
    const dispute = resolveDispute(core, ctx.params.id, (ctx.state.body ?? {}) as Record<string, unknown>);
    core.log(`dispute ${dispute.dispute_id} resolved: ${dispute.outcome_code}`);
    ctx.body = disputeJson(core, dispute);
  });

  // PayPal's own read (with an access token, like the rest of its API).
  router.get('/v1/customer/disputes/:id', (ctx) => {
    ctx.body = disputeJson(core, getDispute(core, ctx.params.id));
  });

  // The signing certificate for people to look at; PAYPAL-CERT-URL points at the HTTPS certificate server.
  router.get('/_sandbox/certs/paypal.pem', (ctx) => {
    ctx.type = 'application/x-pem-file';
    ctx.body = core.store.signingKey.certificatePem;
  });

  // The sandbox's CA: an engine configured with this sandbox as PAYPAL_API_BASE trusts it (and only then).
  router.get('/_sandbox/certs/ca.pem', (ctx) => {
    ctx.type = 'application/x-pem-file';
    ctx.body = core.store.signingKey.caCertificatePem;
  });

  return router;
}
