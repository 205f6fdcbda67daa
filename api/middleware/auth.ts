import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ApiError } from '../errors';

export type Role = 'admin' | 'merchant';

export interface Principal {
  role: Role;
  /** A stable, non-secret name for the key: scopes idempotency keys and appears as the actor. */
  id: string;
}

declare module 'koa' {
  interface DefaultState {
    principal?: Principal;
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** Who did it, as history lines and decisions record it: the API key's id, never the key. */
export function actorOf(ctx: Context): string {
  return `api_key:${ctx.state.principal?.id ?? 'unknown'}`;
}

export function keyId(role: Role, key: string): string {
  return `${role}_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

/** Bearer API keys: an admin key and a merchant key. Public routes skip this. */
export function authenticate(keys: { adminKey?: string; merchantKey?: string }) {
  const known = ([['admin', keys.adminKey], ['merchant', keys.merchantKey]] as const).filter(
    (entry): entry is readonly [Role, string] => typeof entry[1] === 'string',
  );
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'authentication_error', 'api_key_missing', 'Provide your API key as Authorization: Bearer <key>.');
    }
    const found = known.find(([, key]) => sameSecret(key, match[1]));
    if (!found) throw new ApiError(401, 'authentication_error', 'api_key_invalid', 'Invalid API key provided.');
    ctx.state.principal = { role: found[0], id: keyId(found[0], found[1]) };
    await next();
  };
}

export function requireRole(...roles: Role[]) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const principal = ctx.state.principal;
    if (!principal || !roles.includes(principal.role)) {
      throw new ApiError(403, 'permission_error', 'insufficient_role', `This request needs the ${roles.join(' or ')} role.`);
    }
    await next();
  };
}
