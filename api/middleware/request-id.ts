import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import { requestContext } from '../../platform/request-context';

/** A caller's own id is kept when it is a plain token (so it can't inject anything into logs); else we make one. */
const ACCEPTABLE = /^[A-Za-z0-9._:-]{8,128}$/;

declare module 'koa' {
  interface DefaultState {
    requestId?: string;
  }
}

/**
 * Outermost middleware: every answer carries `Request-Id`, and every log line written while serving it carries the
 * same id as request_id, so a merchant's support ticket leads straight to the lines.
 */
export async function requestId(ctx: Context, next: Next): Promise<void> {
  const offered = ctx.get('request-id');
  const id = ACCEPTABLE.test(offered) ? offered : `req_${randomUUID().replace(/-/g, '')}`;
  ctx.state.requestId = id;
  ctx.set('Request-Id', id);
  await requestContext.run({ requestId: id }, next);
}
