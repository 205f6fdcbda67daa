/** Stripe's error envelope: {error:{type, code, message, param?, decline_code?, ...}}. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error' | 'authentication_error';
  code?: string;
  message: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  charge?: string;
}

/** Thrown anywhere in a request; the error middleware turns it into the HTTP answer. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = 'StripeApiError';
  }
}

function withDocUrl(body: StripeErrorBody): StripeErrorBody {
  return body.code ? { ...body, doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, '-')}` } : body;
}

export function invalidRequest(message: string, code?: string, param?: string, status = 400): StripeApiError {
  return new StripeApiError(status, withDocUrl({ type: 'invalid_request_error', code, message, param }));
}

export function resourceMissing(kind: string, id: string, param = 'id'): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, 'resource_missing', param, 404);
}

export function parameterMissing(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
}

export function unexpectedState(message: string): StripeApiError {
  return invalidRequest(message, 'payment_intent_unexpected_state');
}

export function cardError(body: Omit<StripeErrorBody, 'type'>): StripeApiError {
  return new StripeApiError(402, withDocUrl({ type: 'card_error', ...body }));
}
