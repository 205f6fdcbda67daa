/**
 * The Temporal header that carries the API's Request-Id from the API to workflows and from them to activities, so
 * the worker's log lines name the request they serve. Pure: shared by the API, the workflow bundle and the worker.
 */
export const REQUEST_ID_HEADER = 'durapay-request-id';
