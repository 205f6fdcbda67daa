/** Risk rules: pure decisions over facts gathered before any provider call. Safe in workflows. */

export const BLOCKLIST_KINDS = ['customer_id', 'email_domain', 'card_fingerprint', 'ip'] as const;
export type BlocklistKind = (typeof BLOCKLIST_KINDS)[number];

export type RiskRule = 'blocklist' | 'customer_flagged' | 'velocity' | 'amount' | 'provider_risk';
export type RiskOutcome = 'allow' | 'review' | 'block';

export interface RiskSettings {
  /** More attempts than this by one customer in the last hour go to review; 0 turns the rule off. */
  maxPaymentsPerCustomerPerHour: number;
  /** Payments at or above this amount (minor units) go to review; 0 turns the rule off. */
  reviewAmount: number;
  /** An undecided review cancels the payment after this long. */
  reviewExpiryHours: number;
}

export const DEFAULT_RISK_SETTINGS: RiskSettings = { maxPaymentsPerCustomerPerHour: 10, reviewAmount: 100_000, reviewExpiryHours: 72 };

/** What the engine knows about a payment before it reaches the provider. */
export interface RiskFacts {
  amount: number;
  currency: string;
  customerId: string | null;
  /** The customer's earlier payment attempts created in the last hour (this one not included). */
  customerAttemptsLastHour: number;
  /** Block-list entries the payment matches. */
  blocklistMatches: Array<{ kind: BlocklistKind; value: string }>;
  /** The customer carries a risk flag (confirmed fraud) that no admin has cleared. */
  customerFlagged: boolean;
}

/** One rule that fired, with the figures that made it fire: recorded in the payment's history as is. */
export interface RiskFinding {
  rule: RiskRule;
  outcome: Exclude<RiskOutcome, 'allow'>;
  figures: Record<string, string | number | null>;
}

export interface RiskAssessment {
  outcome: RiskOutcome;
  /** Every rule that fired, the strongest first; empty when the payment is allowed. */
  findings: RiskFinding[];
}

/** Block beats review beats allow; every finding is kept so the history says all that fired. */
export function assessRisk(facts: RiskFacts, settings: RiskSettings): RiskAssessment {
  const findings: RiskFinding[] = [];
  for (const match of facts.blocklistMatches) {
    findings.push({ rule: 'blocklist', outcome: 'block', figures: { kind: match.kind, value: match.value } });
  }
  if (facts.customerFlagged) findings.push({ rule: 'customer_flagged', outcome: 'block', figures: { customer_id: facts.customerId } });
  const attempts = facts.customerAttemptsLastHour + 1;
  if (facts.customerId && settings.maxPaymentsPerCustomerPerHour > 0 && attempts > settings.maxPaymentsPerCustomerPerHour) {
    findings.push({ rule: 'velocity', outcome: 'review', figures: { attempts_last_hour: attempts, limit: settings.maxPaymentsPerCustomerPerHour } });
  }
  if (settings.reviewAmount > 0 && facts.amount >= settings.reviewAmount) {
    findings.push({ rule: 'amount', outcome: 'review', figures: { amount: facts.amount, currency: facts.currency, threshold: settings.reviewAmount } });
  }
  findings.sort((a, b) => rank(b.outcome) - rank(a.outcome));
  return { outcome: findings[0]?.outcome ?? 'allow', findings };
}

const rank = (outcome: RiskOutcome): number => (outcome === 'block' ? 2 : outcome === 'review' ? 1 : 0);

/** Stripe's Radar levels that deserve a person's look once the provider has answered. */
export function providerRiskFinding(riskLevel: string | null | undefined): RiskFinding | null {
  if (riskLevel !== 'elevated' && riskLevel !== 'highest') return null;
  return { rule: 'provider_risk', outcome: 'review', figures: { risk_level: riskLevel } };
}

/** The domain part of an email address, lower-cased; null when there is none. */
export function emailDomain(email: string | null | undefined): string | null {
  const at = email?.lastIndexOf('@') ?? -1;
  if (!email || at < 0 || at === email.length - 1) return null;
  return email.slice(at + 1).trim().toLowerCase();
}

/** How a block-list value is stored and compared: case-insensitive for domains and ids alike, no surrounding spaces. */
export function normalizeBlocklistValue(kind: BlocklistKind, value: string): string {
  const trimmed = value.trim();
  if (kind === 'email_domain') return trimmed.replace(/^@/, '').toLowerCase();
  if (kind === 'ip') return trimmed.toLowerCase();
  return trimmed;
}

/** Pause all processing automatically when attacks show; each threshold 0 is off. */
export interface AutoPauseSettings {
  rejectedWebhooks: number;
  blockedAttempts: number;
  windowMinutes: number;
}

/** Which threshold, if any, the counts in the last window crossed. */
export function autoPauseTrigger(
  counts: { rejectedWebhooks: number; blockedAttempts: number },
  settings: AutoPauseSettings,
): { kind: 'rejected_webhooks' | 'blocked_attempts'; count: number; threshold: number } | null {
  if (settings.rejectedWebhooks > 0 && counts.rejectedWebhooks > settings.rejectedWebhooks) {
    return { kind: 'rejected_webhooks', count: counts.rejectedWebhooks, threshold: settings.rejectedWebhooks };
  }
  if (settings.blockedAttempts > 0 && counts.blockedAttempts > settings.blockedAttempts) {
    return { kind: 'blocked_attempts', count: counts.blockedAttempts, threshold: settings.blockedAttempts };
  }
  return null;
}

export type PauseScope = 'all' | `provider:${string}`;

/** Whether a pause in force covers a payment through this provider. */
export function pauseCovers(scope: PauseScope, provider: string): boolean {
  return scope === 'all' || scope === `provider:${provider}`;
}

export type ReviewDecision = 'approve' | 'block';
export type ReviewStatus = 'open' | 'approved' | 'blocked' | 'expired' | 'canceled';

/** The failure code of a payment stopped by risk rules or by a reviewer. */
export const BLOCKED_BY_RISK_RULES = 'blocked_by_risk_rules';
