import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import { canonicalJson } from '../../domain/fingerprint';
import type { Database } from '../../platform/database';
import { ApiError, errorBody } from '../errors';
import { newId, newIdSuffix } from '../ids';
import { isDeadOwner, THIS_PROCESS } from '../lock-owner';

/** How long a request holds its key before a retry may take over (e.g. after the API process died). */
const LOCK_SECONDS = 60;

/** Printable ASCII without spaces (a UUID fits): HTTP trims spaces around header values. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7E]{16,255}$/;

export interface IdempotencyContext {
  key: string;
  /** The id allocated for what this request creates; a retry of the same request gets the same id. */
  resourceId(prefix: string): Promise<string>;
}

declare module 'koa' {
  interface DefaultState {
    idempotency?: IdempotencyContext;
  }
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(canonicalJson({ method, path, body })).digest('hex');
}

/**
 * The id of whatever the request creates is reserved in the key's first insert, before the handler knows its prefix:
 * stored as `*<random>`, handed out as `<prefix>_<random>`. One write fewer per creating request.
 */
const RESERVED = '*';
const reservedId = () => `${RESERVED}${newIdSuffix()}`;

function lockUntil(): Date {
  return new Date(Date.now() + LOCK_SECONDS * 1000);
}

/**
 * Every state-changing request carries an Idempotency-Key. Same key and body: the first response again.
 * Different body: 422. A concurrent duplicate: 409. A retry after a crash reuses the allocated resource id.
 */
export function idempotent(db: Database) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const key = ctx.get('idempotency-key');
    if (!key) {
      throw ApiError.invalid('idempotency_key_missing', 'This request changes state: send an Idempotency-Key header (16 to 255 characters).', 'Idempotency-Key');
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw ApiError.invalid('idempotency_key_invalid', 'The Idempotency-Key header must be 16 to 255 printable ASCII characters without spaces (a UUID fits).', 'Idempotency-Key');
    }
    const principal = ctx.state.principal?.id ?? 'anonymous';
    const fingerprint = requestFingerprint(ctx.method, ctx.path, ctx.state.body ?? null);
    const where = { principal, key };

    let [row] = await db('idempotency_keys')
      .insert({
        principal, key, method: ctx.method, path: ctx.path, fingerprint, state: 'in_progress', locked_until: lockUntil(), locked_by: THIS_PROCESS,
        resource_id: reservedId(),
      })
      .onConflict(['principal', 'key'])
      .ignore()
      .returning('*');
    if (!row) {
      const existing = await db('idempotency_keys').where(where).first();
      if (existing.fingerprint !== fingerprint) {
        throw new ApiError(422, 'idempotency_error', 'idempotency_key_reused',
          'This Idempotency-Key was already used with a different request. Use a new key for a new request.', 'Idempotency-Key');
      }
      if (existing.state === 'completed') {
        ctx.status = existing.response_status;
        ctx.body = existing.response_body;
        ctx.set('Idempotent-Replayed', 'true');
        return;
      }
      // Free, expired, or held by a process of this host that died (a crash, kill -9): take it over now.
      const deadOwner = isDeadOwner(existing.locked_by) ? existing.locked_by : null;
      [row] = await db('idempotency_keys')
        .where({ ...where, state: 'in_progress' })
        .andWhere((q) => {
          q.whereNull('locked_until').orWhere('locked_until', '<', new Date());
          if (deadOwner) q.orWhere('locked_by', deadOwner);
        })
        .update({ locked_until: lockUntil(), locked_by: THIS_PROCESS, updated_at: new Date() })
        .returning('*');
      if (!row) {
        throw new ApiError(409, 'idempotency_error', 'idempotency_key_in_use',
          'Another request with this Idempotency-Key is in progress. Retry it in a moment.', 'Idempotency-Key');
      }
    }

    const stored: string | null = row.resource_id;
    let resourceId: string | null = stored && !stored.startsWith(RESERVED) ? stored : null;
    ctx.state.idempotency = {
      key,
      resourceId: async (prefix) => {
        if (resourceId) return resourceId;
        // Reserved with the key (no write here); every retry of this request derives the same id from it.
        if (stored?.startsWith(RESERVED)) return (resourceId = `${prefix}_${stored.slice(RESERVED.length)}`);
        // A key stored before ids were reserved with it: allocate one now, once.
        const [updated] = await db('idempotency_keys')
          .where(where)
          .update({ resource_id: db.raw('coalesce(resource_id, ?)', [newId(prefix)]) })
          .returning('resource_id');
        resourceId = updated.resource_id as string;
        return resourceId;
      },
    };

    try {
      await next();
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) await complete(db, where, error.status, errorBody(error));
      else await db('idempotency_keys').where(where).update({ locked_until: null, updated_at: new Date() });
      throw error;
    }
    if (ctx.status < 500) await complete(db, where, ctx.status, ctx.body);
    else await db('idempotency_keys').where(where).update({ locked_until: null, updated_at: new Date() });
  };
}

async function complete(db: Database, where: { principal: string; key: string }, status: number, body: unknown): Promise<void> {
  await db('idempotency_keys')
    .where(where)
    .update({ state: 'completed', response_status: status, response_body: JSON.stringify(body), locked_until: null, updated_at: new Date() });
}
