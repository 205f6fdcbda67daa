import Router from '@koa/router';
import type { PayPalSandboxCore } from '../core';
import { invalidRequest, resourceNotFound } from '../errors';
import type { RequestState } from '../http-state';
import { refundCapture } from '../refunds';
import { captureJson, minimalRefund, refundJson } from '../render';

/** Captures and refunds (Payments v2). */
export function paymentRoutes(core: PayPalSandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();
  const findCapture = (id: string) => {
    const capture = core.store.captures.get(id);
    if (!capture) throw resourceNotFound('capture_id', id);
    return capture;
  };

  router.get('/v2/payments/captures/:id', (ctx) => {
    ctx.body = captureJson(core, findCapture(ctx.params.id));
  });

  router.post('/v2/payments/captures/:id/refund', (ctx) => {
    const capture = findCapture(ctx.params.id);
    const body = ctx.state.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidRequest({ issue: 'MALFORMED_REQUEST_JSON', description: 'The request body must be a JSON object.' });
    }
    const refund = refundCapture(core, capture, body as Record<string, unknown>);
    ctx.status = 201;
    ctx.body = /return=representation/i.test(ctx.get('Prefer')) ? refundJson(core, refund) : minimalRefund(core, refund);
  });

  router.get('/v2/payments/refunds/:id', (ctx) => {
    const refund = core.store.refunds.get(ctx.params.id);
    if (!refund) throw resourceNotFound('refund_id', ctx.params.id);
    ctx.body = refundJson(core, refund);
  });

  return router;
}
