import { newDebugId } from './ids';

/** One entry of PayPal's `details` array. */
export interface PayPalErrorDetail {
  issue: string;
  description: string;
  field?: string;
  value?: string;
  location?: 'body' | 'path' | 'header' | 'query';
}

/** PayPal's error envelope: {name, message, debug_id, details[], links[]}. */
export interface PayPalErrorBody {
  name: string;
  message: string;
  debug_id: string;
  details: PayPalErrorDetail[];
  links?: Array<{ href: string; rel: string; method?: string }>;
}

/** Thrown anywhere in a request; the error middleware turns it into the HTTP answer. */
export class PayPalApiError extends Error {
  readonly body: PayPalErrorBody;

  constructor(
    readonly status: number,
    name: string,
    message: string,
    details: PayPalErrorDetail[] = [],
    links?: PayPalErrorBody['links'],
  ) {
    super(message);
    this.name = 'PayPalApiError';
    this.body = { name, message, debug_id: newDebugId(), details, ...(links ? { links } : {}) };
  }
}

export function invalidRequest(detail: PayPalErrorDetail): PayPalApiError {
  return new PayPalApiError(400, 'INVALID_REQUEST', 'Request is not well-formed, syntactically incorrect, or violates schema.', [
    { location: 'body', ...detail },
  ]);
}

export function unprocessable(detail: PayPalErrorDetail, links?: PayPalErrorBody['links']): PayPalApiError {
  return new PayPalApiError(
    422,
    'UNPROCESSABLE_ENTITY',
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
    [detail],
    links,
  );
}

export function resourceNotFound(field: string, value: string): PayPalApiError {
  return new PayPalApiError(404, 'RESOURCE_NOT_FOUND', 'The specified resource does not exist.', [
    {
      field,
      value,
      location: 'path',
      issue: 'INVALID_RESOURCE_ID',
      description: 'Specified resource ID does not exist. Please check the resource ID and try again.',
    },
  ]);
}

export function authenticationFailure(): PayPalApiError {
  return new PayPalApiError(
    401,
    'AUTHENTICATION_FAILURE',
    'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
  );
}
