import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { type InProgress, withDeadline } from './deadline';
import { ApiError, statusFor } from './errors';

/** Starts the workflow unless one with its id is running or ran already: a retried request starts nothing twice. */
export async function startOnce(client: Client, options: { workflowType: string; workflowId: string; taskQueue: string; args: unknown[]; memo?: Record<string, unknown> }): Promise<void> {
  try {
    await client.workflow.start(options.workflowType, {
      workflowId: options.workflowId, taskQueue: options.taskQueue, args: options.args, memo: options.memo,
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Runs a short workflow to its end and returns its result, waiting at most timeoutMs (then 503). A retried request
 * finds the same workflow (the id derives from the resource id) and gets the same result; a provider's refusal
 * becomes a 400.
 */
export async function runWorkflowToEnd<T>(
  client: Client,
  options: { workflowType: string; workflowId: string; taskQueue: string; args: unknown[]; timeoutMs: number; inProgress: InProgress },
): Promise<T> {
  await startOnce(client, options);
  try {
    return (await withDeadline(client.workflow.getHandle(options.workflowId).result(), options.timeoutMs, options.inProgress)) as T;
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    const failure = cause instanceof ActivityFailure ? cause.cause : cause;
    if (failure instanceof ApplicationFailure && failure.type === 'ProviderRequestError') {
      const details = (failure.details?.[0] ?? {}) as { code?: string; param?: string | null };
      const code = details.code ?? 'provider_request_error';
      throw new ApiError(statusFor(code, 'invalid_input'), 'invalid_request_error', code, failure.message, details.param ?? undefined);
    }
    throw error;
  }
}
