import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import Router from '@koa/router';
import type { Client, Connection } from '@temporalio/client';
import Koa from 'koa';
import type { Database } from '../platform/database';
import type { Logger } from '../platform/logger';
import type { ProviderRegistry } from '../providers/registry';
import type { DurapayConfig, RefundSettings } from '../platform/config';
import type { PaymentTiming } from '../workflows/definitions';
import type { RefundEngine } from './refund-commands';
import { addCustomerRoutes } from './routes/customer-routes';
import { addRefundRoutes } from './routes/refund-routes';
import { addVaultRoutes } from './routes/vault-routes';
import { errorHandler } from './errors';
import { type ApiKeys, authenticate } from './middleware/auth';
import { addEphemeralKeyRoutes } from './routes/ephemeral-key-routes';
import { methodNotAllowed, refuseNulBytes } from './middleware/edge';
import { createRateLimits } from './middleware/rate-limit';
import { finishDocument } from './openapi-document';
import type { RateLimitSettings } from '../platform/edge-config';
import { idempotent } from './middleware/idempotency';
import { httpMetrics, serveMetrics } from './middleware/http-metrics';
import { requestId } from './middleware/request-id';
import { RouteTable } from './route';
import { addAdminRoutes } from './routes/admin-routes';
import { addAlertRoutes } from './routes/alert-routes';
import { addDisputeRoutes } from './routes/dispute-routes';
import { addDocumentRoutes } from './routes/document-routes';
import { addRiskRoutes } from './routes/risk-routes';
import { addSyncRoutes } from './routes/sync-routes';
import { addPayerReturnRoutes } from './routes/payer-return-routes';
import { addPaymentRoutes } from './routes/payment-routes';
import { addReportRoutes } from './routes/report-routes';
import { addLedgerRoutes } from './routes/ledger-routes';
import { addSystemRoutes } from './routes/system-routes';
import { traceRequests, tracingStarted } from '../platform/tracing';
import { addWebhookRoutes } from './routes/webhook-routes';
import { addWebhookEndpointRoutes } from './routes/webhook-endpoint-routes';
import { DEFAULT_DISPUTE_SETTINGS, WebhookDispatcher } from './webhook-inbox';
import { pauseIfWebhooksUnderAttack } from './risk-commands';

const NO_AUTO_PAUSE = { rejectedWebhooks: 0, blockedAttempts: 0, windowMinutes: 10 };
import { createAdminConsole } from './admin/console';
import { codecEndpoint } from './codec-endpoint';
import type { PayloadCodec } from '@temporalio/common';

export interface ApiDependencies {
  db: Database;
  client: Client;
  connection: Connection;
  providers: ProviderRegistry;
  log: Logger;
  taskQueue: string;
  timing: PaymentTiming;
  returnUrl: string;
  keys: ApiKeys;
  /** Lifetime of ephemeral customer keys; absent: an hour. */
  ephemeralKeyTtlSeconds?: number;
  responseTimeoutMs?: number;
  refunds: RefundSettings;
  adminEmails: string[];
  publicUrl: string;
  offline: DurapayConfig['offline'];
  /** Absent: no rate limits (tests that don't exercise them). */
  rateLimits?: RateLimitSettings;
  /** Client addresses come from X-Forwarded-For (behind a load balancer). */
  trustProxy?: boolean;
  /** Dispute workflows' timing; absent: the documented defaults. */
  disputes?: DurapayConfig['disputes'];
  /** Risk rules and automatic pause; absent: the documented defaults (automatic pause off). */
  risk?: DurapayConfig['risk'];
  /** The admin console at /admin (docs/admin-console.md); absent: its defaults, no Temporal UI links. */
  adminConsole?: { temporalUiUrl?: string | null; namespace?: string; sessionHours?: number };
  /** How long a webhook about a payment still being created waits to be judged again; absent: WebhookDispatcher.HOLD_MS. */
  webhookHoldMs?: number;
  /** The payload codec the API's Temporal client uses; served at /codec for the Temporal UI (api/codec-endpoint.ts). */
  payloadCodec?: PayloadCodec;
}

export function createApi(deps: ApiDependencies): { app: Koa; dispatcher: WebhookDispatcher; openapi: () => object } {
  const app = new Koa();
  const router = new Router();
  const dispatcher = new WebhookDispatcher(deps.db, deps.client, deps.taskQueue, deps.log, {
    timing: deps.disputes ?? DEFAULT_DISPUTE_SETTINGS.timing, adminEmails: deps.adminEmails, publicUrl: deps.publicUrl,
  }, deps.webhookHoldMs);
  const engine: RefundEngine = {
    client: deps.client, db: deps.db, taskQueue: deps.taskQueue, timing: deps.timing,
    returnUrl: deps.returnUrl, responseTimeoutMs: deps.responseTimeoutMs ?? 30_000,
    refundSettings: deps.refunds, adminEmails: deps.adminEmails,
    providers: deps.providers, publicUrl: deps.publicUrl, offline: deps.offline, risk: deps.risk?.rules, log: deps.log,
    refundTiming: {
      reviewReminderSeconds: deps.refunds.reviewReminderSeconds, reviewExpirySeconds: deps.refunds.reviewExpirySeconds,
      appealWindowSeconds: deps.refunds.appealWindowSeconds, pollInitialSeconds: deps.refunds.pollInitialSeconds,
      pollMaxSeconds: deps.timing.pollMaxSeconds, alternativeMethodWaitSeconds: deps.refunds.alternativeMethodWaitSeconds,
    },
  };
  app.proxy = deps.trustProxy ?? false;
  const rateLimits = deps.rateLimits ? createRateLimits(deps.db, deps.rateLimits, deps.log) : undefined;
  const routes = new RouteTable(router, authenticate(deps.keys, deps.db), idempotent(deps.db), rateLimits, deps.db);
  addSystemRoutes(routes, deps.db, deps.connection);
  addPaymentRoutes(routes, engine);
  addRefundRoutes(routes, engine);
  addCustomerRoutes(routes, deps.db, { client: deps.client, taskQueue: deps.taskQueue });
  addVaultRoutes(routes, engine);
  addWebhookRoutes(routes, deps.db, Object.values(deps.providers).filter((p) => p.isConfigured()), dispatcher, () => pauseIfWebhooksUnderAttack(engine, deps.risk?.autoPause ?? NO_AUTO_PAUSE));
  addAdminRoutes(routes, deps.db, dispatcher, Object.values(deps.providers));
  addPayerReturnRoutes(routes, engine);
  addSyncRoutes(routes, { db: deps.db, client: deps.client, taskQueue: deps.taskQueue, providers: deps.providers });
  addAlertRoutes(routes, deps.db);
  addDisputeRoutes(routes, deps.db);
  addEphemeralKeyRoutes(routes, deps.db, deps.ephemeralKeyTtlSeconds ?? 3600);
  addReportRoutes(routes, deps.db);
  addDocumentRoutes(routes, engine);
  addWebhookEndpointRoutes(routes, { db: deps.db, client: deps.client, taskQueue: deps.taskQueue });
  addRiskRoutes(routes, engine);
  addLedgerRoutes(routes, { db: deps.db, client: deps.client, taskQueue: deps.taskQueue, providers: deps.providers });

  let document: object | null = null;
  const openapi = () =>
    (document ??= finishDocument(new OpenApiGeneratorV31(routes.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'Durapay API', version: '0.1.0', description: 'Payments as durable Temporal workflows.' },
    })));
  router.get('/openapi.json', (ctx) => {
    ctx.body = openapi();
  });

  app.use(requestId);
  if (tracingStarted()) app.use(traceRequests);
  app.use(httpMetrics);
  app.use(serveMetrics);
  app.use(async (ctx, next) => {
    const started = Date.now();
    await next();
    // Never the body: it might hold what a customer typed.
    deps.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Date.now() - started }, 'request');
  });
  app.use(errorHandler(deps.log));
  app.use(refuseNulBytes);
  const adminConsole = createAdminConsole({
    db: deps.db, log: deps.log, providers: deps.providers, adminKey: deps.keys.adminKey, apiCallback: () => app.callback(), publicUrl: deps.publicUrl,
    temporalUi: deps.adminConsole?.temporalUiUrl ? { url: deps.adminConsole.temporalUiUrl, namespace: deps.adminConsole.namespace ?? 'default' } : null,
    sessionHours: deps.adminConsole?.sessionHours ?? 8,
  });
  const temporalUiUrl = deps.adminConsole?.temporalUiUrl;
  app.use(codecEndpoint({
    db: deps.db, keys: deps.keys, codec: deps.payloadCodec, uiOrigin: temporalUiUrl ? new URL(temporalUiUrl).origin : undefined,
    namespace: deps.adminConsole?.namespace ?? 'default', sessionHours: deps.adminConsole?.sessionHours ?? 8,
  }));
  app.use(adminConsole.routes());
  app.use(router.routes());
  app.use(methodNotAllowed(router));
  return { app, dispatcher, openapi };
}
