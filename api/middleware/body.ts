import type { Context, Middleware, Next } from 'koa';
import getRawBody from 'raw-body';
import { inspectPayload } from '../../domain/card-data';
import { ApiError } from '../errors';

/** API bodies are small JSON objects; webhooks get more room (a provider's event with its expanded objects). */
export const API_BODY_LIMIT_BYTES = 64 * 1024;
export const WEBHOOK_BODY_LIMIT_BYTES = 512 * 1024;
/** No schema nests deeper than a few levels; the cap keeps every later walk over the body cheap. */
export const MAX_JSON_DEPTH = 32;

declare module 'koa' {
  interface DefaultState {
    rawBody?: Buffer;
    body?: unknown;
  }
}

/**
 * Reads the body of one route, after authentication and routing decided the request deserves it: at most
 * limitBytes; JSON parsed unless the route keeps the raw bytes (webhooks verify signatures over them).
 */
export function readBody(options: { limitBytes: number; raw: boolean }): Middleware {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      const declared = Number(ctx.get('content-length') || 0);
      if (declared > options.limitBytes) throw bodyTooLarge(options.limitBytes);
      try {
        ctx.state.rawBody = await getRawBody(ctx.req, { limit: options.limitBytes });
      } catch (error) {
        if ((error as { type?: string }).type === 'entity.too.large') throw bodyTooLarge(options.limitBytes);
        throw ApiError.invalid('body_unreadable', 'The request body could not be read.');
      }
      if (!options.raw) ctx.state.body = parseJson(ctx, ctx.state.rawBody);
    }
    await next();
  };
}

function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, 'invalid_request_error', 'body_too_large', `The request body must be at most ${limitBytes} bytes.`);
}

function parseJson(ctx: Context, raw: Buffer): unknown {
  if (raw.length === 0) return {};
  if (!ctx.is('application/json')) {
    throw new ApiError(415, 'invalid_request_error', 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw ApiError.invalid('invalid_json', 'The request body is not valid JSON.');
  }
}

/**
 * Refuses, before anything is stored or logged: bodies nested too deep, NUL characters (which PostgreSQL can't
 * store), and raw card numbers anywhere in the body or query.
 */
export async function inspectInput(ctx: Context, next: Next): Promise<void> {
  const found = inspectPayload(ctx.state.body ?? null, { maxDepth: MAX_JSON_DEPTH }) ?? inspectPayload(ctx.query, { maxDepth: 2 });
  if (found?.problem === 'too_deep') {
    throw ApiError.invalid('parameter_invalid', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`, found.path || undefined);
  }
  if (found?.problem === 'nul_byte') {
    throw ApiError.invalid('parameter_invalid', 'Text may not contain NUL (\\u0000) characters.', found.path || undefined);
  }
  if (found?.problem === 'card_number') {
    throw ApiError.invalid(
      'raw_card_data_rejected',
      'Raw card numbers are never accepted. Collect card details with Stripe Elements or the mobile SDKs and send the resulting token (pm_...).',
      found.path || undefined,
    );
  }
  await next();
}
