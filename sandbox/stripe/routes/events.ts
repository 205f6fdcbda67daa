import Router from '@koa/router';
import type { SandboxCore } from '../core';
import { resourceMissing } from '../errors';
import type { RequestState } from '../http-state';
import { paginate } from '../list';
import { optionalString, optionalStringArray, rejectUnknownParams } from '../params';

/** `type` accepts Stripe's wildcard form, e.g. payment_intent.* */
function typeMatcher(pattern: string): (type: string) => boolean {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

export function eventRoutes(core: SandboxCore): Router<RequestState> {
  const router = new Router<RequestState>();

  router.get('/v1/events', (ctx) => {
    const { params } = ctx.state;
    rejectUnknownParams(params, ['limit', 'starting_after', 'ending_before', 'created', 'type', 'types', 'delivery_success']);
    const patterns = [optionalString(params, 'type'), ...(optionalStringArray(params, 'types') ?? [])].filter((p): p is string => !!p);
    const matchers = patterns.map(typeMatcher);
    ctx.body = paginate(core.store.events.values(), params, '/v1/events', 'event', (event) =>
      matchers.length === 0 || matchers.some((matches) => matches(event.type)),
    );
  });

  router.get('/v1/events/:id', (ctx) => {
    const event = core.store.events.get(ctx.params.id);
    if (!event) throw resourceMissing('event', ctx.params.id);
    ctx.body = event;
  });

  return router;
}
