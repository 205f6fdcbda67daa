import { ApplicationFailure } from '@temporalio/common';
import type { Context, Next } from 'koa';
import { DOMAIN_ERROR_FAILURE, type DomainErrorDetails, type DomainErrorKind, type DomainRefusal } from '../domain/errors';
import { CATALOGUES, fillMessage, type Language, LANGUAGES } from '../domain/messages';
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

  /** Temporal could not be reached: nothing was decided, so the same request may be sent again. */
  static engineUnavailable(): ApiError {
    return new ApiError(503, 'api_error', 'engine_unavailable', 'The payment engine is unreachable right now. Retry with the same Idempotency-Key.');
  }
}

const STATUS_BY_KIND: Record<DomainErrorKind, number> = { invalid_input: 400, not_found: 404, state_conflict: 409, policy_refused: 422 };

/**
 * A provider's "no such object" (an unknown token) is a 404, as for any missing resource; a method the provider
 * holds that can't pay this way (a SEPA method in another currency) conflicts with that method's state: 409.
 */
const STATUS_BY_CODE: Record<string, number> = { resource_missing: 404, payment_intent_invalid_parameter: 409 };

/** The HTTP status for a refusal from below the API: a few codes mean the same everywhere, otherwise its kind decides. */
export function statusFor(code: string, kind: DomainErrorKind): number {
  return STATUS_BY_CODE[code] ?? STATUS_BY_KIND[kind];
}

/** A refusal from domain/ as the API's error. */
export function fromDomainRefusal({ code, kind, param, message }: DomainRefusal): ApiError {
  return new ApiError(statusFor(code, kind), 'invalid_request_error', code, message, param);
}

/** What workers before domain errors raised (their refusal carried its HTTP status); read during a rolling deploy. */
const LEGACY_API_ERROR_FAILURE = 'DurapayApiError';

/** A workflow's coded refusal (domain/errors.ts) as the API's error; null for any other failure. */
export function fromDomainFailure(failure: unknown): ApiError | null {
  if (!(failure instanceof ApplicationFailure)) return null;
  if (failure.type === LEGACY_API_ERROR_FAILURE) {
    const legacy = (failure.details?.[0] ?? {}) as { code?: string; status?: number; param?: string };
    if (!legacy.code) return null;
    return new ApiError(legacy.status ?? 409, 'invalid_request_error', legacy.code, failure.message, legacy.param);
  }
  if (failure.type !== DOMAIN_ERROR_FAILURE) return null;
  return fromDomainRefusal({ ...((failure.details?.[0] ?? {}) as DomainErrorDetails), message: failure.message });
}

/**
 * The message in the caller's language: English keeps the specific message written where the error arose; fr, nl
 * and de say the catalogue's message for the code (the code itself never changes), naming the parameter or id.
 */
export function localizedMessage(error: { code: string; message: string; param?: string }, language: Language): string {
  if (language === 'en') return error.message;
  const messages: Record<string, string> = CATALOGUES[language].errors;
  const template = messages[error.code];
  if (!template) return fillMessage(messages.request_failed, { code: error.code });
  const values: Record<string, string> = { code: error.code };
  if (error.param !== undefined) values.param = error.param;
  const quoted = /'([^']*)'/.exec(error.message); // No such payment: 'pay_...'
  if (quoted) values.id = quoted[1];
  try {
    return fillMessage(template, values);
  } catch {
    return messages.request_invalid; // a placeholder this occurrence has no value for
  }
}

/** The best of en, fr, nl, de for the request's Accept-Language (English without one). */
export function requestLanguage(ctx: Context): Language {
  return (ctx.acceptsLanguages(...LANGUAGES) || 'en') as Language;
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
      localizeStoredError(ctx); // an idempotent replay of an earlier error answer
    } catch (caught) {
      const error =
        caught instanceof ApiError
          ? caught
          : new ApiError(500, 'api_error', 'internal_error', 'Something went wrong on our side. The request can be retried with the same Idempotency-Key.');
      if (!(caught instanceof ApiError)) log.error({ err: caught, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = error.status;
      const language = requestLanguage(ctx);
      ctx.body = errorBody(new ApiError(error.status, error.type, error.code, localizedMessage(error, language), error.param));
      ctx.set('Content-Language', language);
      ctx.vary('Accept-Language');
    }
  };
}

function localizeStoredError(ctx: Context): void {
  const body = ctx.body as { error?: { code?: unknown; message?: unknown; param?: string } } | undefined;
  if (ctx.status < 400 || typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string') return;
  const language = requestLanguage(ctx);
  ctx.body = { ...body, error: { ...body.error, message: localizedMessage({ code: body.error.code, message: body.error.message, param: body.error.param }, language) } };
  ctx.set('Content-Language', language);
  ctx.vary('Accept-Language');
}
