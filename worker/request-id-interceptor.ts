import { defaultPayloadConverter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { REQUEST_ID_HEADER } from '../domain/request-id-header';
import { requestContext } from '../platform/request-context';

/**
 * An activity runs in the context of the request its workflow serves (the header the workflow passed on): every
 * log line it writes — through the SDK's logger or the worker's own pino logger — carries that `request_id`.
 */
export const requestIdActivityInterceptor: ActivityInterceptorsFactory = () => {
  let requestId: string | undefined;
  return {
    inbound: {
      execute: (input, next) => {
        const payload = input.headers[REQUEST_ID_HEADER];
        requestId = payload ? defaultPayloadConverter.fromPayload<string>(payload) : undefined;
        return requestId ? requestContext.run({ requestId }, () => next(input)) : next(input);
      },
    },
    outbound: {
      getLogAttributes: (input, next) => (requestId ? { ...next(input), request_id: requestId } : next(input)),
    },
  };
};
