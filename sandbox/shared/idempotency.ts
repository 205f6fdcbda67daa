import type Koa from 'koa';

/** The first answer to a request with an idempotency key, kept to replay. */
export interface StoredAnswer {
  scope: string;
  fingerprint: string;
  status: number;
  body: unknown;
  createdAt: number;
}

/** Stable JSON: the same value with keys in any order gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Forgets answers older than the provider keeps them (called when the state is saved). */
export function forgetExpiredAnswers(answers: Map<string, StoredAnswer>, ttlSeconds: number): void {
  const oldest = Math.floor(Date.now() / 1000) - ttlSeconds;
  for (const [scope, answer] of answers) if (answer.createdAt < oldest) answers.delete(scope);
}

/** How one provider names, compares, refuses and marks idempotent requests. */
export interface IdempotencyRules<State, Stored extends StoredAnswer> {
  answers: Map<string, Stored>;
  changed: () => void;
  /** The key and what it is scoped to, with the request's fingerprint; null when the request has no key. */
  identify: (ctx: Koa.ParameterizedContext<State>) => { key: string; scope: string; fingerprint: string } | null;
  /** The provider's error for a key reused with another request. */
  mismatch: (key: string) => Error;
  /** Stripe refuses a key whose first request is still running; without this, both run. */
  inUse?: (key: string) => Error;
  /** Headers that mark a replayed answer. */
  markReplay: (ctx: Koa.ParameterizedContext<State>, stored: Stored) => void;
  /** What the provider keeps besides the answer (Stripe: the original request id). */
  extraFields: (ctx: Koa.ParameterizedContext<State>) => Omit<Stored, keyof StoredAnswer>;
}

/** The first answer (success or 4xx) is stored and replayed for the same request; 5xx are not kept. */
export function replayFirstAnswer<State, Stored extends StoredAnswer>(rules: IdempotencyRules<State, Stored>): Koa.Middleware<State> {
  const running = new Set<string>();
  return async (ctx, next) => {
    const request = rules.identify(ctx);
    if (!request) return next();
    const { key, scope, fingerprint } = request;
    const stored = rules.answers.get(scope);
    if (stored) {
      if (stored.fingerprint !== fingerprint) throw rules.mismatch(key);
      ctx.status = stored.status;
      ctx.body = structuredClone(stored.body);
      rules.markReplay(ctx, stored);
      return;
    }
    if (rules.inUse) {
      if (running.has(scope)) throw rules.inUse(key);
      running.add(scope);
    }
    try {
      await next();
      if (ctx.status < 500) {
        const answer = { scope, fingerprint, status: ctx.status, body: structuredClone(ctx.body) };
        rules.answers.set(scope, { ...answer, ...rules.extraFields(ctx), createdAt: Math.floor(Date.now() / 1000) } as Stored);
        rules.changed();
      }
    } finally {
      running.delete(scope);
    }
  };
}
