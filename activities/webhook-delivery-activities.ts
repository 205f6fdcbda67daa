import { fetch as undiciFetch, type Agent } from 'undici';
import { signatureHeader } from '../client/webhook-signature';
import type { Database } from '../platform/database';
import { namesPrivateHost, publicNetworkAgent } from '../platform/public-network';

/** Any 2xx within this is a delivery; anything else, or nothing, is a failed attempt. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export interface WebhookAttemptInput {
  deliveryId: string;
  /** The delivery's (or a redelivery's) workflow and its attempt number there: a retried activity records its attempt once. */
  workflowId: string;
  attempt: number;
  /** Seconds until the next attempt if this one fails; null: this is the last. */
  nextRetryInSeconds: number | null;
  /** A merchant asked for it again: sent even if delivered before. */
  redelivery: boolean;
}

export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'gave_up' | 'skipped';

export interface WebhookAttemptResult {
  outcome: WebhookAttemptOutcome;
  endpointId: string;
  statusCode: number | null;
}

interface HttpAnswer {
  statusCode: number | null;
  error: string | null;
}

/** Where merchant webhooks may go: the public internet only (the default), or anywhere (local development, tests). */
export type WebhookTargets = 'public' | 'any';

/**
 * One POST: no redirects followed (a 3xx is a failed attempt, so a receiver can't bounce us to another host), 10 s at
 * most; with `publicOnly`, only to public addresses (platform/public-network.ts).
 */
async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, publicOnly: Agent | null): Promise<HttpAnswer> {
  if (!/^https?:$/.test(new URL(url).protocol)) return { statusCode: null, error: 'only http and https URLs are delivered to' };
  if (publicOnly && namesPrivateHost(url)) return { statusCode: null, error: 'only public addresses are delivered to' };
  try {
    const init = { method: 'POST', headers, body, redirect: 'manual' as const, signal: AbortSignal.timeout(timeoutMs) };
    const response = publicOnly ? await undiciFetch(url, { ...init, dispatcher: publicOnly }) : await fetch(url, init);
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 300 && response.status < 400) return { statusCode: response.status, error: 'redirects are not followed' };
    return { statusCode: response.status, error: null };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { statusCode: null, error: `no answer within ${timeoutMs / 1000} s` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'EPRIVATEADDRESS') return { statusCode: null, error: `only public addresses are delivered to (${cause.message})` };
    return { statusCode: null, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

export function eventBody(row: { id: string; type: string; created_at: Date | string; data: unknown }): string {
  const created = Math.floor(new Date(row.created_at).getTime() / 1000);
  return JSON.stringify({ id: row.id, object: 'event', type: row.type, created, data: { object: row.data } });
}

export function createWebhookDeliveryActivities({ db, timeoutMs = WEBHOOK_TIMEOUT_MS, targets = 'public' }: { db: Database; timeoutMs?: number; targets?: WebhookTargets }) {
  const publicOnly = targets === 'public' ? publicNetworkAgent() : null;
  return {
    /** Sends the event to the endpoint once and records the attempt; a disabled or deleted endpoint is not sent to. */
    async attemptWebhookDelivery(input: WebhookAttemptInput): Promise<WebhookAttemptResult> {
      const delivery = await db('webhook_deliveries').where({ id: input.deliveryId }).first();
      const endpoint = await db('webhook_endpoints').where({ id: delivery.endpoint_id }).first();
      const result = (outcome: WebhookAttemptOutcome, statusCode: number | null = null) => ({ outcome, endpointId: endpoint.id as string, statusCode });
      const outcomeOf = (answer: HttpAnswer): WebhookAttemptOutcome =>
        answer.error === null && answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300
          ? 'delivered'
          : input.nextRetryInSeconds === null ? 'gave_up' : 'retry';

      const recorded = await db('webhook_delivery_attempts').where({ workflow_id: input.workflowId, workflow_attempt: input.attempt }).first();
      if (recorded) return result(outcomeOf({ statusCode: recorded.status_code, error: recorded.error }), recorded.status_code);
      if (delivery.status === 'delivered' && !input.redelivery) return result('skipped');
      if (endpoint.deleted_at || endpoint.status !== 'enabled') {
        await db('webhook_deliveries').where({ id: delivery.id, status: 'pending' }).update({ status: 'canceled', next_retry_at: null, updated_at: db.fn.now() });
        return result('skipped');
      }

      const event = await db('events').where({ id: delivery.event_id }).first();
      const secrets: string[] = (
        await db('webhook_endpoint_secrets')
          .where({ endpoint_id: endpoint.id })
          .where((q) => q.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now()))
          .orderBy('id', 'desc')
          .select('secret')
      ).map((row: { secret: string }) => row.secret);
      const body = eventBody(event);
      const started = Date.now();
      const answer = await post(endpoint.url, body, {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Durapay-Webhooks/1.0',
        'durapay-signature': signatureHeader(body, secrets),
        'durapay-event-id': event.id,
      }, timeoutMs, publicOnly);
      const outcome = outcomeOf(answer);

      await db.transaction(async (trx) => {
        const inserted = await trx('webhook_delivery_attempts')
          .insert({
            delivery_id: delivery.id, workflow_id: input.workflowId, workflow_attempt: input.attempt,
            status_code: answer.statusCode, error: answer.error, duration_ms: Date.now() - started,
          })
          .onConflict(['workflow_id', 'workflow_attempt'])
          .ignore()
          .returning('id');
        if (inserted.length === 0) return;
        const delivered = outcome === 'delivered';
        await trx('webhook_deliveries').where({ id: delivery.id }).update({
          attempt_count: trx.raw('attempt_count + 1'),
          last_status_code: answer.statusCode,
          last_error: answer.error,
          // Delivered stays delivered: a failed redelivery doesn't undo it.
          status: trx.raw(`case when status = 'delivered' or ? then 'delivered' when ? then 'pending' else 'failed' end`, [delivered, outcome === 'retry']),
          delivered_at: delivered ? trx.raw('coalesce(delivered_at, now())') : trx.raw('delivered_at'),
          next_retry_at: outcome === 'retry' ? trx.raw(`now() + make_interval(secs => ?)`, [input.nextRetryInSeconds]) : null,
          updated_at: trx.fn.now(),
        });
        await trx('webhook_endpoints')
          .where({ id: endpoint.id })
          .update({ failing_since: delivered ? null : trx.raw('coalesce(failing_since, now())') });
      });
      return result(outcome, answer.statusCode);
    },

    /**
     * After a delivery used up its whole retry schedule (three days by default): if the endpoint has not answered one
     * delivery since before this one's first attempt, it is disabled. Returns what the operator alert needs, or null.
     */
    async disableFailingWebhookEndpoint(input: { endpointId: string; deliveryId: string; workflowId: string }): Promise<{ url: string; failingSince: string } | null> {
      // Compared in SQL: a JavaScript Date would drop the microseconds and miss an equal timestamp.
      const firstAttempt = db('webhook_delivery_attempts').where({ delivery_id: input.deliveryId, workflow_id: input.workflowId }).min('attempted_at');
      await db('webhook_endpoints')
        .where({ id: input.endpointId, status: 'enabled' })
        .whereNull('deleted_at')
        .where('failing_since', '<=', firstAttempt)
        .update({ status: 'disabled', disabled_reason: 'failing', updated_at: db.fn.now() });
      // Also found when a retry of this activity (or another delivery giving up) finds it disabled already: the alert is deduplicated.
      const disabled = await db('webhook_endpoints')
        .where({ id: input.endpointId, status: 'disabled', disabled_reason: 'failing' })
        .where('failing_since', '<=', firstAttempt)
        .first('url', 'failing_since');
      if (!disabled) return null;
      return { url: disabled.url, failingSince: new Date(disabled.failing_since).toISOString() };
    },
  };
}

export type WebhookDeliveryActivities = ReturnType<typeof createWebhookDeliveryActivities>;
