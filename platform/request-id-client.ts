import type { WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { REQUEST_ID_HEADER } from '../domain/request-id-header';
import { currentRequestId } from './request-context';

/** Whatever the client sends to a workflow while a request is served carries that request's id as a header. */
export function requestIdClientInterceptor(): WorkflowClientInterceptor {
  const withRequestId = <T extends { headers: Headers }>(input: T): T => {
    const requestId = currentRequestId();
    return requestId ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } } : input;
  };
  return {
    start: (input, next) => next(withRequestId(input)),
    startWithDetails: (input, next) => next(withRequestId(input)),
    signal: (input, next) => next(withRequestId(input)),
    signalWithStart: (input, next) => next(withRequestId(input)),
    startUpdate: (input, next) => next(withRequestId(input)),
    startUpdateWithStart: (input, next) => next({
      ...input,
      workflowStartHeaders: withRequestId({ headers: input.workflowStartHeaders }).headers,
      updateHeaders: withRequestId({ headers: input.updateHeaders }).headers,
    }),
  };
}
