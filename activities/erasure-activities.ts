import { promises as fs } from 'node:fs';
import path from 'node:path';
import PostalMime from 'postal-mime';
import type { Database } from '../platform/database';

/*
 * Customer erasure beyond the customer's own rows: copies of its addresses and details in the email outbox, raw
 * provider webhook bodies, stored idempotent answers, merchant events, alerts, and the local mail sink's .eml files.
 * Financial facts (amounts, dates, statuses, ids) stay; names, addresses and bank details go.
 */

const ERASED = '[erased]';
/** Fields of stored API objects that hold personal data. */
const PERSONAL_FIELDS = new Set([
  'email', 'receipt_email', 'name', 'customer_name', 'account_holder_name', 'iban', 'address', 'vat_id', 'to', 'new_email', 'previous_email',
]);

export interface ErasureScope {
  /** Lower-case addresses the customer used (its email, receipt emails, earlier emails in the outbox). */
  addresses: string[];
  paymentIds: string[];
  /** Payments, refunds, saved methods, the customer itself: what stored objects are about. */
  objectIds: string[];
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Replaces every occurrence of an address (any case) in a text. */
function eraseAddresses(text: string, addresses: string[]): string {
  let result = text;
  for (const address of addresses) result = result.replace(new RegExp(address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED);
  return result;
}

/** Personal fields nulled, and any address left in another string erased: the object's shape stays for a replay. */
export function scrubJson(value: unknown, addresses: string[]): unknown {
  if (typeof value === 'string') return eraseAddresses(value, addresses);
  if (Array.isArray(value)) return value.map((item) => scrubJson(item, addresses));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, PERSONAL_FIELDS.has(key) && item !== null ? null : scrubJson(item, addresses)]));
  }
  return value;
}

async function scopeOf(db: Database, customerId: string): Promise<ErasureScope> {
  const customer = await db('customers').where({ id: customerId }).first('email');
  const payments: Array<{ id: string; receipt_email: string | null }> = await db('payments').where({ customer_id: customerId }).select('id', 'receipt_email');
  const paymentIds = payments.map((payment) => payment.id);
  const refundIds: string[] = paymentIds.length ? await db('refunds').whereIn('payment_id', paymentIds).pluck('id') : [];
  const methodIds: string[] = await db('payment_methods').where({ customer_id: customerId }).pluck('id');
  const known = [customer?.email, ...payments.map((payment) => payment.receipt_email)].filter((address): address is string => Boolean(address));
  // Earlier addresses: a changed email's notice went to the previous one, keyed by the customer id.
  const previous: string[] = await db('email_outbox').whereLike('dedupe_key', `contact_changed:${escapeLike(customerId)}:%`).pluck('to_address');
  const addresses = [...new Set([...known, ...previous].map((address) => address.toLowerCase()))];
  return { addresses, paymentIds, objectIds: [customerId, ...paymentIds, ...refundIds, ...methodIds] };
}

/** Outbox rows sent to the customer, or about its payments and refunds (admins' copies too). */
async function scrubOutbox(db: Database, scope: ErasureScope, customerId: string): Promise<number> {
  const rows: Array<{ id: number; dedupe_key: string; to_address: string; status: string }> = await db('email_outbox')
    .where((q) => {
      if (scope.addresses.length) q.orWhereRaw('lower(to_address) = any(?)', [scope.addresses]);
      for (const id of scope.objectIds) q.orWhereLike('dedupe_key', `${escapeLike(id)}:%`);
      q.orWhereLike('dedupe_key', `contact_changed:${escapeLike(customerId)}:%`);
    })
    .whereNot('subject', ERASED)
    .select('id', 'dedupe_key', 'to_address', 'status');
  for (const row of rows) {
    const toCustomer = scope.addresses.includes(row.to_address.toLowerCase());
    await db('email_outbox').where({ id: row.id }).update({
      // The row stays (its key keeps a retried send from going out again); what it said and to whom goes.
      dedupe_key: eraseAddresses(row.dedupe_key, scope.addresses),
      to_address: toCustomer ? ERASED : row.to_address,
      subject: ERASED, text_body: ERASED, html_body: null,
      // A message not sent yet never will be: its recipient is erased.
      ...(row.status === 'pending' ? { status: 'failed', error: 'customer erased', claimed_until: null } : {}),
    });
  }
  return rows.length;
}

/** Stored JSON (idempotent answers, merchant events, alerts) about the customer's objects, scrubbed in place. */
async function scrubJsonColumn(db: Database, table: string, key: string, column: string, rows: Array<Record<string, unknown>>, scope: ErasureScope): Promise<number> {
  let changed = 0;
  for (const row of rows) {
    const before = row[column];
    const after = scrubJson(before, scope.addresses);
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    await db(table).where({ [key]: row[key] }).update({ [column]: JSON.stringify(after) });
    changed += 1;
  }
  return changed;
}

async function scrubIdempotentAnswers(db: Database, scope: ErasureScope): Promise<number> {
  const ids = scope.objectIds;
  const rows = await db('idempotency_keys')
    .whereNotNull('response_body')
    .where((q) => {
      q.whereRaw(`response_body->>'id' = any(?)`, [ids])
        .orWhereRaw(`response_body->>'customer_id' = any(?)`, [ids])
        .orWhereRaw(`response_body->>'payment_id' = any(?)`, [ids]);
      for (const id of scope.paymentIds) q.orWhereLike('path', `%/${escapeLike(id)}/%`);
      for (const address of scope.addresses) q.orWhereRaw('lower(response_body::text) like ?', [`%${escapeLike(address)}%`]);
    })
    .select('principal', 'key', 'response_body');
  let changed = 0;
  for (const row of rows) {
    const after = scrubJson(row.response_body, scope.addresses);
    if (JSON.stringify(after) === JSON.stringify(row.response_body)) continue;
    await db('idempotency_keys').where({ principal: row.principal, key: row.key }).update({ response_body: JSON.stringify(after) });
    changed += 1;
  }
  return changed;
}

async function scrubAlerts(db: Database, scope: ErasureScope, customerId: string): Promise<number> {
  if (!scope.addresses.length) return 0;
  const rows: Array<{ id: string; message: string; data: unknown; dedupe_key: string }> = await db('alerts')
    .where((q) => {
      q.whereRaw(`data->>'customer_id' = ?`, [customerId]);
      for (const address of scope.addresses) q.orWhereRaw('lower(message) like ?', [`%${escapeLike(address)}%`]);
    })
    .select('id', 'message', 'data', 'dedupe_key');
  for (const row of rows) {
    await db('alerts').where({ id: row.id }).update({
      message: eraseAddresses(row.message, scope.addresses), data: JSON.stringify(scrubJson(row.data, scope.addresses)), dedupe_key: eraseAddresses(row.dedupe_key, scope.addresses),
    });
  }
  return rows.length;
}

/** The local mail sink's copies (`npm start`): files addressed to the customer, or mentioning it or its payments. */
async function deleteMailFiles(mailDir: string | undefined, scope: ErasureScope): Promise<number> {
  if (!mailDir) return 0;
  const names = await fs.readdir(mailDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const needles = [...scope.addresses, ...scope.objectIds.map((id) => id.toLowerCase())];
  let deleted = 0;
  for (const name of names.filter((file) => file.endsWith('.eml'))) {
    const file = path.join(mailDir, name);
    const raw = await fs.readFile(file).catch(() => null);
    if (!raw) continue;
    // Parsed, so quoted-printable or base64 bodies are searched as read, not as encoded.
    const email = await PostalMime.parse(raw).catch(() => null);
    const recipients = [...(email?.to ?? []), ...(email?.cc ?? [])].map((entry) => (entry.address ?? '').toLowerCase());
    const text = [raw.toString('utf8'), email?.text ?? '', email?.html ?? '', email?.subject ?? ''].join('\n').toLowerCase();
    if (recipients.some((address) => scope.addresses.includes(address)) || needles.some((needle) => text.includes(needle))) {
      await fs.rm(file, { force: true });
      deleted += 1;
    }
  }
  return deleted;
}

export function createErasureActivities({ db, mailSinkDir }: { db: Database; mailSinkDir?: string }) {
  return {
    /**
     * Scrubs the customer's personal data from the engine's secondary copies; runs before the customer row is
     * anonymized (it needs the addresses). Idempotent: a second run finds nothing left to change.
     */
    async scrubCustomerTraces(input: { customerId: string }): Promise<Record<'outbox' | 'webhookBodies' | 'idempotentAnswers' | 'events' | 'alerts' | 'mailFiles', number>> {
      const scope = await scopeOf(db, input.customerId);
      const outbox = await scrubOutbox(db, scope, input.customerId);
      const webhookBodies = !scope.paymentIds.length && !scope.addresses.length ? 0 : await db('webhook_events')
        .whereNotNull('raw_body')
        .where((q) => {
          if (scope.paymentIds.length) q.whereIn('payment_id', scope.paymentIds);
          for (const address of scope.addresses) q.orWhereRaw('lower(raw_body) like ?', [`%${escapeLike(address)}%`]);
        })
        .update({ raw_body: null });
      const idempotentAnswers = await scrubIdempotentAnswers(db, scope);
      const eventRows = await db('events').whereIn('object_id', scope.objectIds).select('id', 'data');
      const events = await scrubJsonColumn(db, 'events', 'id', 'data', eventRows, scope);
      const alerts = await scrubAlerts(db, scope, input.customerId);
      const mailFiles = await deleteMailFiles(mailSinkDir, scope);
      return { outbox, webhookBodies, idempotentAnswers, events, alerts, mailFiles };
    },
  };
}
