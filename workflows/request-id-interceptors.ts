import { defaultPayloadConverter, type Headers, type Payload, type WorkflowInterceptors } from '@temporalio/workflow';
import { REQUEST_ID_HEADER } from '../domain/request-id-header';

/**
 * Bundled with the workflows (workflowInterceptorModules): the request a workflow serves is the one whose header came
 * with its start, or with the latest signal or update that carried one; its activities and children get the same
 * header, and the workflow's log lines a `request_id`. Headers are in the history, so a replay sees the same ids.
 * No command changes: old histories replay as before.
 */
export const interceptors = (): WorkflowInterceptors => {
  let requestId: string | undefined;
  const note = (headers: Record<string, Payload> | null | undefined) => {
    const payload = headers?.[REQUEST_ID_HEADER];
    if (payload) requestId = defaultPayloadConverter.fromPayload<string>(payload);
  };
  const pass = <T extends { headers: Headers }>(input: T): T =>
    requestId ? { ...input, headers: { ...input.headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } } : input;
  return {
    // Before the activation's jobs run, so the SDK's own "Workflow started" line has it too.
    internals: [{
      activate: (input, next) => {
        for (const job of input.activation.jobs ?? []) {
          note((job.initializeWorkflow?.headers ?? job.signalWorkflow?.headers ?? job.doUpdate?.headers) as Record<string, Payload> | null | undefined);
        }
        return next(input);
      },
    }],
    outbound: [{
      scheduleActivity: (input, next) => next(pass(input)),
      scheduleLocalActivity: (input, next) => next(pass(input)),
      startChildWorkflowExecution: (input, next) => next(pass(input)),
      signalWorkflow: (input, next) => next(pass(input)),
      continueAsNew: (input, next) => next(pass(input)),
      getLogAttributes: (input, next) => (requestId ? { ...next(input), request_id: requestId } : next(input)),
    }],
  };
};
