import type { Context, Next } from 'koa';
import type { Logger } from '../platform/logger';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'idempotency_error'
  | 'api_error';

/** Rendered as Stripe-style `{error: {type, code, message, param}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalid(code: string, message: string, param?: string): ApiError {
    return new ApiError(400, 'invalid_request_error', code, message, param);
  }

  static notFound(what: string, id: string, param = 'id'): ApiError {
    return new ApiError(404, 'invalid_request_error', 'resource_missing', `No such ${what}: '${id}'`, param);
  }
}

export function errorBody(error: ApiError) {
  return {
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
    },
  };
}

export function errorHandler(log: Logger) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'invalid_request_error', 'route_not_found', `Unrecognized request URL (${ctx.method}: ${ctx.path}).`);
      }
    } catch (caught) {
      const error =
        caught instanceof ApiError
          ? caught
          : new ApiError(500, 'api_error', 'internal_error', 'Something went wrong on our side. The request can be retried with the same Idempotency-Key.');
      if (!(caught instanceof ApiError)) log.error({ err: caught, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = error.status;
      ctx.body = errorBody(error);
    }
  };
}
