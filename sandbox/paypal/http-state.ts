/** Per-request values the sandbox middlewares put on ctx.state. */
export interface RequestState {
  /** The parsed body: JSON for the API, form fields for the token and checkout page. */
  body: unknown;
}
