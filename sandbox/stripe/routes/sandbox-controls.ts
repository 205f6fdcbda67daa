import type Router from '@koa/router';
import { sandboxControlRoutes as sharedControlRoutes } from '../../shared/sandbox-control-routes';
import type { SandboxCore } from '../core';
import { PAGE_LOOK } from '../html';
import type { RequestState } from '../http-state';
import type { StripeEvent } from '../types';
import type { StripeWebhookSwitches } from '../webhook-delivery';

/** Health, a landing page, and the webhook switches tests flip (no API key needed). */
export function sandboxControlRoutes(core: SandboxCore): Router<RequestState> {
  return sharedControlRoutes<RequestState, StripeEvent, StripeWebhookSwitches>({
    sandbox: 'stripe',
    delivery: core.delivery,
    log: (line) => core.log(line),
    look: PAGE_LOOK,
    landingPage: `<p>A local stand-in for the Stripe API (test mode only). Point the Stripe SDK here with any <code>sk_test_</code> key.</p>
<ul><li><a href="/_sandbox/webhooks">Webhook switches</a></li><li><a href="/_sandbox/deliveries">Recent webhook deliveries</a></li></ul>`,
    switchPatch: (ctx) => ctx.state.params,
    listDeliveries: (data) => ({ object: 'list', data }),
  });
}
