import { randomBytes } from 'node:crypto';
import type { Database } from '../platform/database';
import { newId } from './ids';
import { newestFirstPage } from './newest-first-page';
import type { CreateWebhookEndpointBody, UpdateWebhookEndpointBody } from './schemas/webhook-schemas';

/*
 * The merchant's webhook endpoints and their secrets. Plain rows, no workflow: an endpoint is configuration; what
 * runs from it (deliveries) reads it at each attempt.
 */

type Row = Record<string, any>;
const iso = (value: unknown): string | null => (value == null ? null : new Date(value as string).toISOString());

export function toWebhookEndpoint(row: Row, previousSecretExpiresAt: string | null = null) {
  return {
    id: row.id as string,
    object: 'webhook_endpoint' as const,
    url: row.url as string,
    description: (row.description as string | null) ?? null,
    enabled_events: row.enabled_events as string[],
    status: row.status as 'enabled' | 'disabled',
    disabled_reason: (row.disabled_reason as 'failing' | 'requested' | null) ?? null,
    previous_secret_expires_at: previousSecretExpiresAt,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/** The latest expiry among rotated secrets that still sign. */
async function previousSecretExpiry(db: Database, endpointId: string): Promise<string | null> {
  const row = await db('webhook_endpoint_secrets').where({ endpoint_id: endpointId }).where('expires_at', '>', db.fn.now()).max({ at: 'expires_at' }).first();
  return iso(row?.at);
}

async function liveEndpointRow(db: Database, id: string): Promise<Row | undefined> {
  return db('webhook_endpoints').where({ id }).whereNull('deleted_at').first();
}

export async function createWebhookEndpoint(db: Database, body: CreateWebhookEndpointBody) {
  const id = newId('we');
  const secret = newSecret();
  const row = await db.transaction(async (trx) => {
    const [inserted] = await trx('webhook_endpoints')
      .insert({ id, url: body.url, description: body.description ?? null, enabled_events: JSON.stringify(body.enabled_events) })
      .returning('*');
    await trx('webhook_endpoint_secrets').insert({ endpoint_id: id, secret });
    return inserted;
  });
  return { ...toWebhookEndpoint(row), secret };
}

export async function findWebhookEndpoint(db: Database, id: string) {
  const row = await liveEndpointRow(db, id);
  return row ? toWebhookEndpoint(row, await previousSecretExpiry(db, id)) : null;
}

export async function listWebhookEndpoints(db: Database, query: { limit: number; starting_after?: string }) {
  const page = await newestFirstPage(db, 'webhook_endpoints', { timeColumn: 'created_at', where: {}, limit: query.limit, startingAfter: query.starting_after, whereNull: ['deleted_at'] });
  if (!page) return null;
  return { data: await Promise.all(page.rows.map(async (row) => toWebhookEndpoint(row, await previousSecretExpiry(db, row.id as string)))), has_more: page.has_more };
}

export async function updateWebhookEndpoint(db: Database, id: string, body: UpdateWebhookEndpointBody) {
  const changes: Row = { updated_at: db.fn.now() };
  if (body.url !== undefined) changes.url = body.url;
  if (body.enabled_events !== undefined) changes.enabled_events = JSON.stringify(body.enabled_events);
  if (body.description !== undefined) changes.description = body.description;
  if (body.status === 'disabled') Object.assign(changes, { status: 'disabled', disabled_reason: db.raw(`case when status = 'disabled' then disabled_reason else 'requested' end`) });
  // Enabled again: failures before count no more, or the first failure would disable it at once.
  if (body.status === 'enabled') Object.assign(changes, { status: 'enabled', disabled_reason: null, failing_since: db.raw(`case when status = 'enabled' then failing_since end`) });
  const updated = await db('webhook_endpoints').where({ id }).whereNull('deleted_at').update(changes);
  return updated ? findWebhookEndpoint(db, id) : null;
}

/** Soft delete: deliveries keep their endpoint; pending ones are canceled at their next attempt. */
export async function deleteWebhookEndpoint(db: Database, id: string) {
  const updated = await db('webhook_endpoints').where({ id }).whereNull('deleted_at').update({ deleted_at: db.fn.now(), status: 'disabled', updated_at: db.fn.now() });
  return updated ? { id, object: 'webhook_endpoint' as const, deleted: true as const } : null;
}

/** A new secret signs from now on; the current ones keep signing for previousSecretExpiresIn seconds (both v1s sent). */
export async function rotateWebhookSecret(db: Database, id: string, previousSecretExpiresIn: number) {
  const secret = newSecret();
  const rotated = await db.transaction(async (trx) => {
    const row = await trx('webhook_endpoints').where({ id }).whereNull('deleted_at').forUpdate().first();
    if (!row) return false;
    await trx('webhook_endpoint_secrets')
      .where({ endpoint_id: id })
      .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', trx.raw(`now() + make_interval(secs => ?)`, [previousSecretExpiresIn])))
      .update({ expires_at: trx.raw(`now() + make_interval(secs => ?)`, [previousSecretExpiresIn]) });
    await trx('webhook_endpoint_secrets').insert({ endpoint_id: id, secret });
    await trx('webhook_endpoints').where({ id }).update({ updated_at: trx.fn.now() });
    return true;
  });
  if (!rotated) return null;
  return { ...(await findWebhookEndpoint(db, id))!, secret };
}
