import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Database } from '../../platform/database';
import { EPHEMERAL_SECRET_PREFIX, findEphemeralKey } from '../ephemeral-keys';
import { ApiError } from '../errors';

/** customer: an ephemeral key, acting for one customer on a few routes (see customer-scope.ts). */
export type Role = 'admin' | 'merchant' | 'customer';

export interface Principal {
  role: Role;
  /** A stable, non-secret name for the key: scopes idempotency keys and appears as the actor. */
  id: string;
  /** For an ephemeral key: the customer it acts for. */
  customerId?: string;
}

/** Several keys per role, so a key can be rotated without downtime; the single-key fields stay for compatibility. */
export interface ApiKeys {
  adminKey?: string;
  merchantKey?: string;
  adminKeys?: string[];
  merchantKeys?: string[];
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

function knownKeys(keys: ApiKeys): Array<readonly [Role, string]> {
  const admin = [keys.adminKey, ...(keys.adminKeys ?? [])].filter((key): key is string => Boolean(key));
  const merchant = [keys.merchantKey, ...(keys.merchantKeys ?? [])].filter((key): key is string => Boolean(key));
  const shared = admin.filter((key) => merchant.includes(key));
  // One secret with two roles would make every merchant an admin: refused at startup.
  if (shared.length > 0) throw new Error('The same API key is configured as an admin key and as a merchant key: give each role its own keys.');
  return [...admin.map((key) => ['admin', key] as const), ...merchant.map((key) => ['merchant', key] as const)];
}

/** Bearer keys: admin and merchant keys from configuration, ephemeral customer keys from the database. Public routes skip this. */
export function authenticate(keys: ApiKeys, db?: Database) {
  const known = knownKeys(keys);
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('authorization');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'authentication_error', 'api_key_missing', 'Provide your API key as Authorization: Bearer <key>.');
    }
    if (db && match[1].startsWith(EPHEMERAL_SECRET_PREFIX)) {
      const ephemeral = await findEphemeralKey(db, match[1]);
      if (!ephemeral) throw new ApiError(401, 'authentication_error', 'api_key_invalid', 'Invalid or expired ephemeral key.');
      ctx.state.principal = { role: 'customer', id: ephemeral.id, customerId: ephemeral.customerId };
      await next();
      return;
    }
    // Every configured key is compared (in constant time), so timing tells nothing about which one nearly matched.
    const matches = known.filter(([, key]) => sameSecret(key, match[1]));
    const found = matches[0];
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
