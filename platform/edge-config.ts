import { z } from 'zod';

/** Settings of the API's edge: HTTP timeouts, shutdown drain and rate limits (docs/configuration.md). */
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const perWindow = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const keyList = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(16, 'each key must be at least 16 characters')));

export const edgeEnvironment = {
  HTTP_REQUEST_TIMEOUT_SECONDS: seconds(30),
  HTTP_HEADERS_TIMEOUT_SECONDS: seconds(10),
  SHUTDOWN_DRAIN_SECONDS: seconds(10),
  /** Requests per RATE_LIMIT_WINDOW_SECONDS; 0 turns a limit off. */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_READS_PER_KEY: perWindow(1200),
  RATE_LIMIT_WRITES_PER_KEY: perWindow(600),
  RATE_LIMIT_PAYMENT_CREATION_PER_KEY: perWindow(300),
  RATE_LIMIT_PER_IP: perWindow(3000),
  RATE_LIMIT_WEBHOOKS_PER_IP: perWindow(6000),
  /** Extra keys per role, comma-separated, for rotation (next to ADMIN_API_KEY / MERCHANT_API_KEY). */
  ADMIN_API_KEYS: keyList,
  MERCHANT_API_KEYS: keyList,
  EPHEMERAL_KEY_TTL_SECONDS: z.coerce.number().int().min(60).max(24 * 3600).default(3600),
  /** Behind a load balancer: take the client's address from X-Forwarded-For. */
  TRUST_PROXY: z.enum(['true', 'false', '1', '0']).default('false').transform((value) => value === 'true' || value === '1'),
};

export interface RateLimitSettings {
  windowSeconds: number;
  readsPerKey: number;
  writesPerKey: number;
  paymentCreationPerKey: number;
  perIp: number;
  webhooksPerIp: number;
}

export interface EdgeSettings {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  drainMs: number;
  trustProxy: boolean;
  rateLimits: RateLimitSettings;
  adminKeys: string[];
  merchantKeys: string[];
  ephemeralKeyTtlSeconds: number;
}

type EdgeEnvironment = { [K in keyof typeof edgeEnvironment]: z.output<(typeof edgeEnvironment)[K]> };

/** A secret configured for both roles would make every merchant an admin. */
export function sharedKeyProblem(admin: Array<string | undefined>, merchant: Array<string | undefined>): string | null {
  const merchantKeys = new Set(merchant.filter(Boolean));
  return admin.some((key) => key && merchantKeys.has(key))
    ? 'ADMIN_API_KEY(S) and MERCHANT_API_KEY(S): the same key is configured for both roles; give each role its own keys'
    : null;
}

export function edgeSettings(e: EdgeEnvironment): EdgeSettings {
  return {
    requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
    headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
    drainMs: e.SHUTDOWN_DRAIN_SECONDS * 1000,
    trustProxy: e.TRUST_PROXY,
    adminKeys: e.ADMIN_API_KEYS,
    merchantKeys: e.MERCHANT_API_KEYS,
    ephemeralKeyTtlSeconds: e.EPHEMERAL_KEY_TTL_SECONDS,
    rateLimits: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      readsPerKey: e.RATE_LIMIT_READS_PER_KEY,
      writesPerKey: e.RATE_LIMIT_WRITES_PER_KEY,
      paymentCreationPerKey: e.RATE_LIMIT_PAYMENT_CREATION_PER_KEY,
      perIp: e.RATE_LIMIT_PER_IP,
      webhooksPerIp: e.RATE_LIMIT_WEBHOOKS_PER_IP,
    },
  };
}
