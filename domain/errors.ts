/**
 * Why the engine said no, in its own terms: a stable `code` (the API's error code too), and a `kind` that says what
 * sort of no it is. The API alone turns kinds (and a few codes) into HTTP statuses (api/errors.ts).
 */
export type DomainErrorKind =
  /** The request itself is wrong, whatever the state (an amount above what was authorized, a missing reason). */
  | 'invalid_input'
  /** What the request names does not exist. */
  | 'not_found'
  /** The request is fine but the resource's current state forbids it (captured already, a refund in review). */
  | 'state_conflict'
  /** A business policy refuses it (a refund asked for after the refund window). */
  | 'policy_refused';

export interface DomainErrorDetails {
  code: string;
  kind: DomainErrorKind;
  param?: string;
}

/** The ApplicationFailure type workflows raise for a rule that said no; its first detail is a DomainErrorDetails. */
export const DOMAIN_ERROR_FAILURE = 'DurapayDomainError';

/** A refusal as plain data (activities and pure domain functions return it; workflows raise it). */
export interface DomainRefusal extends DomainErrorDetails {
  message: string;
}
