import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { ApiError } from '../errors';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * NUL characters can't be stored in PostgreSQL text and have no business in a URL or a header: refused with 400
 * before routing, whoever sends them.
 */
export async function refuseNulBytes(ctx: Context, next: Next): Promise<void> {
  if (decoded(ctx.path).includes('\u0000')) throw ApiError.invalid('parameter_invalid', 'The URL may not contain NUL (%00) characters.');
  for (const [name, value] of Object.entries(ctx.query)) {
    const values = Array.isArray(value) ? value : [value ?? ''];
    if (name.includes('\u0000') || values.some((v) => v.includes('\u0000'))) {
      throw ApiError.invalid('parameter_invalid', 'Query parameters may not contain NUL (%00) characters.', name);
    }
  }
  for (const [name, value] of Object.entries(ctx.headers)) {
    const values = Array.isArray(value) ? value : [value ?? ''];
    if (values.some((v) => v.includes('\u0000'))) throw ApiError.invalid('parameter_invalid', 'Headers may not contain NUL characters.', name);
  }
  await next();
}

/**
 * After the router found no route for this method: a known path answers 405 with the methods it has in `Allow`
 * (any method, TRACE and OPTIONS included); an unknown path falls through to 404.
 */
export function methodNotAllowed(router: Router): Middleware {
  return async (ctx: Context, next: Next): Promise<void> => {
    const matched = router.match(ctx.path, ctx.method);
    const allowed = new Set(matched.path.flatMap((layer) => layer.methods));
    if (matched.route || allowed.size === 0) {
      await next();
      return;
    }
    ctx.set('Allow', [...allowed].join(', '));
    throw new ApiError(405, 'invalid_request_error', 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}; use ${[...allowed].join(', ')}.`);
  };
}
