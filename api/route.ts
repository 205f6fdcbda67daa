import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import qs from 'qs';
import { z, type ZodType } from 'zod';
import { ApiError } from './errors';
import { requireRole, type Role } from './middleware/auth';
import { API_BODY_LIMIT_BYTES, inspectInput, readBody } from './middleware/body';
import { type RateLimits, routeGroupOf } from './middleware/rate-limit';

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
  ) {
    this.registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  }

  add<Body = undefined, Query = undefined>(spec: RouteSpec<Body, Query>): void {
    const validate: Middleware = async (ctx, next) => {
      ctx.state.input = {
        body: spec.body ? parseOrThrow(spec.body, ctx.state.body ?? {}) : undefined,
        // qs, one level deep: metadata[building_id]=b7 arrives as {metadata: {building_id: 'b7'}} (OpenAPI deepObject).
        query: spec.query ? parseOrThrow(spec.query, qs.parse(ctx.querystring, { depth: 1 })) : undefined,
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
    if (spec.roles !== 'public') chain.push(this.authenticate, requireRole(...spec.roles));
    if (this.rateLimits && spec.roles !== 'public') chain.push(this.rateLimits.perKey(group));
    // Only a request that is routed and allowed gets its body read.
    chain.push(readBody({ limitBytes: spec.bodyLimitBytes ?? API_BODY_LIMIT_BYTES, raw: spec.rawBody ?? false }));
    if (!spec.rawBody) chain.push(inspectInput);
    chain.push(validate);
    if (spec.idempotent) chain.push(this.idempotent);
    chain.push(handle);
    this.router[spec.method](spec.path, ...(chain as [Middleware]));
    this.describe(spec);
  }

  private describe<Body, Query>(spec: RouteSpec<Body, Query>): void {
    const pathParams = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    this.registry.registerPath({
      method: spec.method,
      path: spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.roles === 'public' ? {} : { security: [{ bearerAuth: [] }] }),
      request: {
        ...(pathParams.length ? { params: z.object(Object.fromEntries(pathParams.map((p) => [p, z.string()]))) } : {}),
        ...(spec.query ? { query: spec.query as unknown as z.ZodObject } : {}),
        // Required when an empty body would be refused: then the generated client requires it too.
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: !spec.body.safeParse({}).success } } : {}),
        ...(spec.idempotent ? { headers: z.object({ 'Idempotency-Key': z.string().min(16).max(255) }) } : {}),
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
