import { createHash } from 'node:crypto';
import type { Database } from '../platform/database';
import { type BlocklistKind, emailDomain, type RiskFinding, type ReviewStatus, normalizeBlocklistValue, type PauseScope } from '../domain/risk';

/** The one module that writes risk_blocklist, risk_reviews, processing_pauses and customers.risk_flag. */

export interface RiskReviewRow {
  id: string;
  payment_id: string;
  kind: 'pre_provider' | 'provider_risk';
  status: ReviewStatus;
  findings: RiskFinding[];
  opened_at: string;
  expires_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
}

/** One review per payment and kind: its id comes from them, so a retried open finds the review it made. */
export function reviewIdFor(paymentId: string, kind: RiskReviewRow['kind']): string {
  return `rvw_${createHash('sha256').update(`${paymentId}:${kind}`).digest('hex').slice(0, 24)}`;
}

const iso = (value: unknown): string | null => (value == null ? null : value instanceof Date ? value.toISOString() : String(value));

export function toReview(row: Record<string, unknown>): RiskReviewRow {
  return {
    id: String(row.id), payment_id: String(row.payment_id), kind: row.kind as RiskReviewRow['kind'], status: row.status as ReviewStatus,
    findings: (row.findings ?? []) as RiskFinding[], opened_at: iso(row.opened_at)!, expires_at: iso(row.expires_at),
    decided_by: (row.decided_by as string) ?? null, decided_at: iso(row.decided_at), decision_reason: (row.decision_reason as string) ?? null,
  };
}

/**
 * What the rules need from storage — the customer's recent attempts, fraud flag and e-mail, and whether any card
 * is block-listed — in one statement; then the block-list matches in a second. The card's fingerprint (a provider
 * call) is asked for only when some card is block-listed: otherwise it could match nothing.
 */
export async function loadRiskFacts(
  db: Database,
  input: { paymentId: string; customerId: string | null; email: string | null; payerIp: string | null },
  cardFingerprint: () => Promise<string | null>,
) {
  const { rows: [known] } = await db.raw(
    `select c.email, c.risk_flag,
       (select count(*)::int from payments p
         where ?::text is not null and p.customer_id = ? and p.id <> ? and p.created_at >= now() - interval '1 hour') as attempts,
       exists (select 1 from risk_blocklist where kind = 'card_fingerprint') as cards_listed
     from (select 1) as one left join customers c on c.id = ?`,
    [input.customerId, input.customerId, input.paymentId, input.customerId],
  );
  const fingerprint = known.cards_listed ? await cardFingerprint() : null;
  const candidates: Array<{ kind: BlocklistKind; value: string }> = [];
  if (input.customerId) candidates.push({ kind: 'customer_id', value: input.customerId });
  for (const email of [input.email, known.email as string | null]) {
    const domain = emailDomain(email);
    if (domain) candidates.push({ kind: 'email_domain', value: domain });
  }
  if (fingerprint) candidates.push({ kind: 'card_fingerprint', value: fingerprint });
  if (input.payerIp) candidates.push({ kind: 'ip', value: normalizeBlocklistValue('ip', input.payerIp) });
  const matches = candidates.length
    ? await db('risk_blocklist')
        .where((q) => { for (const c of candidates) q.orWhere({ kind: c.kind, value: c.value }); })
        .select('kind', 'value')
    : [];
  return {
    customerAttemptsLastHour: Number(known.attempts),
    blocklistMatches: matches.map((m) => ({ kind: m.kind as BlocklistKind, value: String(m.value) })),
    customerFlagged: Boolean(known.risk_flag),
    cardFingerprint: fingerprint,
  };
}

export async function openReview(
  db: Database,
  input: { paymentId: string; kind: RiskReviewRow['kind']; findings: RiskFinding[]; expiresAt: string | null },
): Promise<RiskReviewRow> {
  const id = reviewIdFor(input.paymentId, input.kind);
  await db('risk_reviews')
    .insert({ id, payment_id: input.paymentId, kind: input.kind, findings: JSON.stringify(input.findings), expires_at: input.expiresAt })
    .onConflict('id')
    .ignore();
  return toReview(await db('risk_reviews').where({ id }).first());
}

/** Closes an open review once; closing it again (a retry) changes nothing and returns it as it is. */
export async function closeReview(
  db: Database,
  input: { id: string; status: Exclude<ReviewStatus, 'open'>; actor: string; reason: string | null },
): Promise<RiskReviewRow | null> {
  await db('risk_reviews')
    .where({ id: input.id, status: 'open' })
    .update({ status: input.status, decided_by: input.actor, decided_at: db.fn.now(), decision_reason: input.reason });
  const row = await db('risk_reviews').where({ id: input.id }).first();
  return row ? toReview(row) : null;
}

export async function activePauseFor(db: Database, provider: string) {
  return db('processing_pauses').whereNull('ended_at').whereIn('scope', ['all', `provider:${provider}`]).orderBy('started_at').first();
}

/** Starts a pause unless one is in force for the scope already; returns the one in force and whether it is new. */
export async function startPause(db: Database, input: { id: string; scope: PauseScope; reason: string; actor: string }) {
  const inserted = await db('processing_pauses')
    .insert({ id: input.id, scope: input.scope, reason: input.reason, started_by: input.actor })
    .onConflict(db.raw('(scope) where ended_at is null'))
    .ignore()
    .returning('id');
  const row = await db('processing_pauses').where({ scope: input.scope }).whereNull('ended_at').first();
  return { pause: row, started: inserted.length > 0 };
}

/** Ends every pause in force (resume lifts them all); returns those it ended. */
export async function endPauses(db: Database, actor: string) {
  return db('processing_pauses').whereNull('ended_at').update({ ended_at: db.fn.now(), ended_by: actor }).returning('*');
}

/** What the automatic pause counts over its window. */
export async function countRecentAttacks(db: Database, windowMinutes: number) {
  const since = db.raw(`now() - (? * interval '1 minute')`, [windowMinutes]);
  const [[{ count: rejected }], [{ count: blocked }]] = await Promise.all([
    db('webhook_rejections').where('received_at', '>=', since).count({ count: '*' }),
    db('payment_events').where({ type: 'risk.blocked' }).where('recorded_at', '>=', since).count({ count: '*' }),
  ]);
  return { rejectedWebhooks: Number(rejected), blockedAttempts: Number(blocked) };
}

/** Clears a customer's flag; returns whether the customer exists. */
export async function clearCustomerFlag(db: Database, customerId: string): Promise<boolean> {
  return (await db('customers').where({ id: customerId }).update({ risk_flag: null, updated_at: db.fn.now() })) > 0;
}

export async function setCustomerFlag(db: Database, customerId: string, flag: { reason: string; payment_id: string | null; flagged_by: string } | null) {
  const value = flag ? JSON.stringify({ ...flag, flagged_at: new Date().toISOString() }) : null;
  const updated = await db('customers').where({ id: customerId }).update({ risk_flag: value, updated_at: db.fn.now() });
  if (updated === 0 && flag) {
    // A payer the merchant never registered still gets flagged, under its id.
    await db('customers').insert({ id: customerId, risk_flag: value }).onConflict('id').merge(['risk_flag']);
  }
}
