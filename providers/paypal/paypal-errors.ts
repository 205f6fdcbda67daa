import { ApiError, ArgumentsValidationError } from '@paypal/paypal-server-sdk';
import { ProviderRateLimitError, ProviderRequestError } from '../types';

interface PayPalErrorBody {
  name?: string;
  message?: string;
  details?: Array<{ issue?: string; description?: string; field?: string }>;
  error?: string;
  error_description?: string;
}

function bodyOf(error: ApiError): PayPalErrorBody {
  const result = error.result as unknown;
  return typeof result === 'object' && result !== null ? (result as PayPalErrorBody) : {};
}

/** PayPal's most specific word for what went wrong: the first detail's issue, else the error name. */
export function issueOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const body = bodyOf(error);
  return body.details?.[0]?.issue ?? body.name ?? body.error ?? null;
}

export function messageOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : null;
  const body = bodyOf(error);
  return body.details?.[0]?.description ?? body.message ?? body.error_description ?? error.message;
}

/** Refusals PayPal would repeat (400, 404, 422) are final; network, 401, 409, 429 and 5xx are worth retrying. */
export function translatePayPalError(error: unknown): unknown {
  if (error instanceof ArgumentsValidationError) return new ProviderRequestError(error.message, 'invalid_request', null);
  if (error instanceof ApiError && error.statusCode === 429) {
    const header = Object.entries(error.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    const seconds = header === undefined ? NaN : Number(header);
    return new ProviderRateLimitError(`PayPal: ${messageOf(error)}`, Number.isFinite(seconds) ? Math.max(0, seconds) : null);
  }
  if (error instanceof ApiError && [400, 404, 422].includes(error.statusCode)) {
    const field = bodyOf(error).details?.[0]?.field ?? null;
    return new ProviderRequestError(`PayPal: ${messageOf(error)}`, issueOf(error) ?? `http_${error.statusCode}`, field);
  }
  return error;
}
