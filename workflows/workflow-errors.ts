import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { DOMAIN_ERROR_FAILURE, type DomainRefusal } from '../domain/errors';

/** A rule said no: the Update (or the request waiting on the workflow) fails with this; the API picks the HTTP status. */
export function domainError({ message, ...details }: DomainRefusal): ApplicationFailure {
  return ApplicationFailure.create({ type: DOMAIN_ERROR_FAILURE, message, nonRetryable: true, details: [details] });
}

export function providerRefusal(error: unknown): { message: string; code: string; param: string | null } | null {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === 'ProviderRequestError') {
    const details = (cause.details?.[0] ?? {}) as { code?: string; param?: string | null };
    return { message: cause.message, code: details.code ?? 'provider_request_error', param: details.param ?? null };
  }
  return null;
}
