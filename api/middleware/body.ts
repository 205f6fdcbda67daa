import type { Context, Next } from 'koa';
import getRawBody from 'raw-body';
import { findCardNumber } from '../../domain/card-data';
import { ApiError } from '../errors';

const MAX_BODY_BYTES = '1mb';

declare module 'koa' {
  interface DefaultState {
    rawBody?: Buffer;
    body?: unknown;
  }
}

/** Reads the raw body (webhooks verify signatures over it) and parses JSON for everything else. */
export async function readBody(ctx: Context, next: Next): Promise<void> {
  if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH' || ctx.method === 'DELETE') {
    try {
      ctx.state.rawBody = await getRawBody(ctx.req, { limit: MAX_BODY_BYTES });
    } catch {
      throw ApiError.invalid('body_too_large', `The request body must be at most ${MAX_BODY_BYTES}.`);
    }
    if (!ctx.path.startsWith('/webhooks/')) ctx.state.body = parseJson(ctx, ctx.state.rawBody);
  }
  await next();
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

/** Refuses raw card numbers anywhere in the body or query before anything is stored or logged. */
export async function rejectRawCardData(ctx: Context, next: Next): Promise<void> {
  if (!ctx.path.startsWith('/webhooks/')) {
    const param = findCardNumber(ctx.state.body ?? null) ?? findCardNumber(ctx.query);
    if (param !== null) {
      throw ApiError.invalid(
        'raw_card_data_rejected',
        'Raw card numbers are never accepted. Collect card details with Stripe Elements or the mobile SDKs and send the resulting token (pm_...).',
        param || undefined,
      );
    }
  }
  await next();
}
