import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../platform/database';
import { newId } from './ids';

/** Secrets start with this, so authentication knows to look them up instead of comparing with the configured keys. */
export const EPHEMERAL_SECRET_PREFIX = 'ek_';

const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export interface EphemeralKeyView {
  id: string;
  object: 'ephemeral_key';
  customer_id: string;
  secret: string;
  created_at: string;
  expires_at: string;
}

export async function createEphemeralKey(db: Database, input: { id?: string; customerId: string; createdBy: string; ttlSeconds: number }): Promise<EphemeralKeyView> {
  const id = input.id ?? newId('ephkey');
  const secret = `${EPHEMERAL_SECRET_PREFIX}${randomBytes(24).toString('base64url')}`;
  const createdAt = new Date();
  const expiresAt = new Date(createdAt.getTime() + input.ttlSeconds * 1000);
  // A retried request (same id) gets a fresh secret; the one its first attempt never delivered stops working.
  await db('ephemeral_keys')
    .insert({ id, secret_sha256: sha256(secret), customer_id: input.customerId, created_by: input.createdBy, created_at: createdAt, expires_at: expiresAt })
    .onConflict('id')
    .merge(['secret_sha256', 'created_at', 'expires_at']);
  return { id, object: 'ephemeral_key', customer_id: input.customerId, secret, created_at: createdAt.toISOString(), expires_at: expiresAt.toISOString() };
}

/** The customer an unexpired, unrevoked secret acts for, and the key's id; null otherwise. */
export async function findEphemeralKey(db: Database, secret: string): Promise<{ id: string; customerId: string } | null> {
  const row = await db('ephemeral_keys')
    .where({ secret_sha256: sha256(secret) })
    .whereNull('revoked_at')
    .andWhere('expires_at', '>', new Date())
    .first('id', 'customer_id');
  return row ? { id: row.id as string, customerId: row.customer_id as string } : null;
}

export async function revokeEphemeralKey(db: Database, id: string): Promise<boolean> {
  const changed = await db('ephemeral_keys').where({ id }).update({ revoked_at: db.raw('coalesce(revoked_at, now())') });
  return changed > 0;
}
