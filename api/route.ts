import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import qs from 'qs';
import { z, type ZodType } from 'zod';
import { ApiError } from './errors';
import { requireRole, type Role } from './middleware/auth';
import { API_BODY_LIMIT_BYTES, inspectInput, readBody } from './middleware/body';
import { IDEMPOTENCY_KEY_PATTERN } from './middleware/idempotency';
import { type RateLimits, routeGroupOf } from './middleware/rate-limit';
import { customerMayCall, customerScope } from './middleware/customer-scope';
import type { Database } from '../platform/database';

export interface RouteSpec<Body, Query> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Koa-style path: /v1/payments/:id */
  path: string;
  summary: string;
  tag: string;
  roles: Role[] | 'public';
  /** State-changing routes require an Idempotency-Key. */
  idempotent?: boolean;
  body?: ZodType<Body>;
  /** Keep the body as raw bytes (webhooks verify signatures over them) instead of parsing JSON. */
  rawBody?: boolean;
  /** Defaults to API_BODY_LIMIT_BYTES. */
  bodyLimitBytes?: number;
  /** Public routes that authenticate by a signature header instead (webhooks): documented as their security. */
  signatureHeader?: string;
  query?: ZodType<Query>;
  /** contentType: application/json unless said (text/csv handlers set ctx.body themselves). */
  response: { status: number; description: string; schema: ZodType; contentType?: string };
  /** Error statuses the route answers, each described with the Error shape (the default response covers the rest). */
  errors?: Record<number, string>;
  /** OpenAPI links from the success response to the routes that read what it returns. */
  links?: Record<string, { operationRef: string; parameters: Record<string, string>; description?: string }>;
  /** Answers without a body besides the main one, e.g. 304 for a conditional GET. */
  bodilessResponses?: Record<number, string>;
  handler: (ctx: Context, input: { body: Body; query: Query; params: Record<string, string> }) => Promise<unknown>;
}

/** A JSON pointer to an operation of this document, for OpenAPI links (routes have no operationId). */
export function operationRef(method: RouteSpec<unknown, unknown>['method'], path: string): string {
  const openApiPath = path.replace(/:(\w+)/g, '{$1}').replaceAll('~', '~0').replaceAll('/', '~1');
  return `#/paths/${openApiPath}/${method}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined), root);
}

/** Turns the first validation problem into a Stripe-style error naming the parameter. */
export function parseOrThrow<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const param = [...issue.path, issue.keys[0]].join('.');
    throw ApiError.invalid('parameter_unknown', `Received unknown parameter: ${param}`, param);
  }
  const param = issue.path.join('.') || undefined;
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) {
    throw ApiError.invalid('parameter_missing', `Missing required param: ${param}.`, param);
  }
  throw ApiError.invalid('parameter_invalid', param ? `Invalid ${param}: ${issue.message}` : issue.message, param);
}

/** Registers a route on the router and its description in the OpenAPI registry, from the same schemas. */
export class RouteTable {
  readonly registry = new OpenAPIRegistry();

  constructor(
    private readonly router: Router,
    private readonly authenticate: Middleware,
    private readonly idempotent: Middleware,
    private readonly rateLimits?: RateLimits,
    /** Enables ephemeral customer keys on the routes customer-scope.ts lists. */
    private readonly scopeDb?: Database,
  ) {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  }

  add<Body = undefined, Query = undefined>(spec: RouteSpec<Body, Query>): void {
    const validate: Middleware = async (ctx, next) => {
      ctx.state.input = {
        // No body is an empty object; a JSON null is validated as what it is.
        body: spec.body ? parseOrThrow(spec.body, ctx.state.body === undefined ? {} : ctx.state.body) : undefined,
        // qs, one level deep: metadata[building_id]=b7 arrives as {metadata: {building_id: 'b7'}} (OpenAPI deepObject);
        // metadata[0]=x is a key named 0, not an array.
        query: spec.query ? parseOrThrow(spec.query, qs.parse(ctx.querystring, { depth: 1, parseArrays: false })) : undefined,
      };
      await next();
    };
    const handle: Middleware = async (ctx) => {
      const { body, query } = ctx.state.input as { body: Body; query: Query };
      const result = await spec.handler(ctx, { body, query, params: ctx.params as Record<string, string> });
      if (ctx.body === undefined) {
        ctx.status = spec.response.status;
        ctx.body = result;
      }
    };
    const chain: Middleware[] = [];
    const group = routeGroupOf(spec.method, spec.path);
    if (this.rateLimits) chain.push(this.rateLimits.perIp(group));
    const customerRoute = this.scopeDb !== undefined && spec.roles !== 'public' && customerMayCall(spec.method, spec.path);
    if (spec.roles !== 'public') chain.push(this.authenticate, requireRole(...spec.roles, ...(customerRoute ? ['customer' as const] : [])));
    if (this.rateLimits && spec.roles !== 'public') chain.push(this.rateLimits.perKey(group));
    // Only a request that is routed and allowed gets its body read.
    chain.push(readBody({ limitBytes: spec.bodyLimitBytes ?? API_BODY_LIMIT_BYTES, raw: spec.rawBody ?? false }));
    if (!spec.rawBody) chain.push(inspectInput);
    chain.push(validate);
    if (customerRoute) chain.push(customerScope(this.scopeDb!, spec.method, spec.path));
    if (spec.idempotent) chain.push(this.idempotent);
    chain.push(handle);
    this.router[spec.method](spec.path, ...(chain as [Middleware]));
    this.describe(spec);
  }

  private signatureScheme(header: string): string {
    const name = `${header.toLowerCase().replace(/[^a-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}Signature`;
    this.registry.registerComponent('securitySchemes', name, { type: 'apiKey', in: 'header', name: header });
    return name;
  }

  private describe<Body, Query>(spec: RouteSpec<Body, Query>): void {
    const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      // Who may call it: the authorization matrix test reads this.
      'x-durapay-roles': spec.roles === 'public' ? [] : [...spec.roles, ...(customerMayCall(spec.method, spec.path) ? ['customer'] : [])],
      ...(spec.roles !== 'public' ? { security: [{ bearerAuth: [] }] } : {}),
      ...(spec.signatureHeader ? { security: [{ [this.signatureScheme(spec.signatureHeader)]: [] }] } : {}),
      request: {
        ...(pathParams.length ? { params: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) } : {}),
        ...(spec.query ? { query: spec.query as unknown as z.ZodObject } : {}),
        // Required when an empty body would be refused: then the generated client requires it too.
        ...(spec.body ? { body: { required: !spec.body.safeParse({}).success, content: { 'application/json': { schema: spec.body } } } } : {}),
        ...(spec.idempotent ? { headers: z.object({ 'Idempotency-Key': IdempotencyKeyHeader }) } : {}),
      },
      responses: {
        [spec.response.status]: {
          description: spec.response.description,
          content: { [spec.response.contentType ?? 'application/json']: { schema: spec.response.schema } },
          ...(spec.links ? { links: spec.links } : {}),
        },
        ...Object.fromEntries(Object.entries(spec.errors ?? {}).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ErrorSchema } } }])),
        ...Object.fromEntries(Object.entries(spec.bodilessResponses ?? {}).map(([status, description]) => [status, { description }])),
        default: { description: 'Error', content: { 'application/json': { schema: ErrorSchema } } },
      },
    });
  }
}

const IdempotencyKeyHeader = z.string().min(16).max(255).regex(IDEMPOTENCY_KEY_PATTERN);

export const ErrorSchema = z
  .object({
    error: z.object({
      type: z.enum(['invalid_request_error', 'authentication_error', 'permission_error', 'idempotency_error', 'api_error']),
      code: z.string(),
      message: z.string(),
      param: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });
