import type { Payload, PayloadCodec } from '@temporalio/common';
import type { Context, Middleware, Next } from 'koa';
import getRawBody from 'raw-body';
import type { Database } from '../platform/database';
import { AdminSessionStore } from './admin/sessions';
import { ApiError } from './errors';
import { type ApiKeys, authenticate } from './middleware/auth';
import { SESSION_COOKIE } from './middleware/admin-session';

/*
 * The Temporal codec server protocol (POST <endpoint>/decode and /encode, `{"payloads": [...]}` as protobuf JSON),
 * so the Temporal UI and CLI show decrypted payloads to admins. Served at /codec and at /admin/codec: the admin
 * console's session cookie is scoped to /admin, so the UI (with "include cross-origin credentials") reaches the
 * second with it; the CLI sends `--codec-auth 'Bearer <admin key>'` to either.
 */

const PATH = /^\/(?:admin\/)?codec\/(decode|encode)$/;
/** A history page's payloads; far above one payment's, far below what would hurt. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;
const PAYLOADS_LIMIT = 10_000;

export interface CodecEndpointOptions {
  db: Database;
  keys: ApiKeys;
  /** The API's payload codec; absent: payloads pass through unchanged (no TEMPORAL_CODEC_KEYS). */
  codec?: PayloadCodec;
  /** The Temporal UI's origin, the only one CORS lets in; absent: no browser may call. */
  uiOrigin?: string;
  namespace: string;
  sessionHours: number;
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fromJson(value: unknown): Payload {
  const payload = value as JsonPayload;
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw ApiError.invalid('parameter_invalid', 'Each payload must be an object.', 'payloads');
  const bytes = (text: unknown): Uint8Array => {
    if (typeof text !== 'string' || !BASE64.test(text)) throw ApiError.invalid('parameter_invalid', 'Payload fields must be base64.', 'payloads');
    return Buffer.from(text, 'base64');
  };
  const metadata = payload.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw ApiError.invalid('parameter_invalid', 'Payload metadata must be an object.', 'payloads');
  return {
    metadata: Object.fromEntries(Object.entries(metadata).map(([key, text]) => [key, bytes(text)])),
    data: bytes(payload.data ?? ''),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, bytes]) => [key, Buffer.from(bytes ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

function allowOrigin(ctx: Context, origin: string): void {
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Allow-Credentials', 'true');
  ctx.vary('Origin');
}

export function codecEndpoint(options: CodecEndpointOptions): Middleware {
  const sessions = new AdminSessionStore(options.db, options.sessionHours * 3600);
  const bearer = authenticate(options.keys);

  /** An admin key as a bearer token, or a live admin console session; anything else is 401, a merchant key 403. */
  async function requireAdmin(ctx: Context): Promise<void> {
    if (!ctx.get('authorization')) {
      const token = ctx.cookies.get(SESSION_COOKIE);
      if (token && (await sessions.find(token))) return;
      throw new ApiError(401, 'authentication_error', 'api_key_missing', 'Sign in to the admin console, or send an admin key as Authorization: Bearer <key>.');
    }
    await bearer(ctx, async () => undefined);
    if (ctx.state.principal?.role !== 'admin') throw new ApiError(403, 'permission_error', 'insufficient_role', 'Decoding payloads needs the admin role.');
  }

  return async (ctx: Context, next: Next): Promise<void> => {
    const match = PATH.exec(ctx.path);
    if (!match) return next();
    const origin = ctx.get('origin');
    const trustedOrigin = Boolean(origin) && origin === options.uiOrigin;

    if (ctx.method === 'OPTIONS') {
      // A preflight: answered for the Temporal UI's origin only; any other origin gets no CORS headers at all.
      if (!trustedOrigin || ctx.get('access-control-request-method').toUpperCase() !== 'POST') {
        ctx.status = 403;
        return;
      }
      allowOrigin(ctx, origin);
      ctx.set('Access-Control-Allow-Methods', 'POST');
      ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST, OPTIONS');
      throw new ApiError(405, 'invalid_request_error', 'method_not_allowed', `${ctx.method} is not allowed here; use POST.`);
    }
    if (origin && !trustedOrigin) throw new ApiError(403, 'permission_error', 'origin_not_allowed', 'Only the Temporal UI may call the codec endpoint from a browser.');
    if (trustedOrigin) allowOrigin(ctx, origin);
    await requireAdmin(ctx);
    const namespace = ctx.get('x-namespace');
    if (namespace && namespace !== options.namespace) {
      throw ApiError.invalid('parameter_invalid', `This codec serves the namespace ${options.namespace}, not ${namespace}.`, 'X-Namespace');
    }

    let raw: Buffer;
    try {
      raw = await getRawBody(ctx.req, { limit: BODY_LIMIT_BYTES });
    } catch {
      throw new ApiError(413, 'invalid_request_error', 'body_too_large', `The body must be at most ${BODY_LIMIT_BYTES} bytes.`);
    }
    let body: { payloads?: unknown };
    try {
      body = JSON.parse(raw.toString('utf8')) as { payloads?: unknown };
    } catch {
      throw ApiError.invalid('body_invalid_json', 'The body must be JSON: {"payloads": [...]}.');
    }
    if (!body || !Array.isArray(body.payloads) || body.payloads.length > PAYLOADS_LIMIT) {
      throw ApiError.invalid('parameter_invalid', `The body must be {"payloads": [...]} with at most ${PAYLOADS_LIMIT} payloads.`, 'payloads');
    }
    const payloads = body.payloads.map(fromJson);
    let result: Payload[];
    try {
      result = !options.codec ? payloads : match[1] === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
    } catch {
      // A wrong key, a tampered or truncated payload: refused, without echoing what was sent.
      throw ApiError.invalid('payload_undecodable', 'A payload could not be decoded with the configured keys.', 'payloads');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { payloads: result.map(toJson) };
  };
}
