import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { DomainErrorDetails } from '../../domain/errors';
import { testEnv } from './test-env';

/**
 * The real workflows on the shared Temporal dev server, with activities faked at the edge, on a task queue of their
 * own: for workflow tests. Call in beforeAll; stop() in afterAll.
 */
export async function startWorkflowWorker(name: string, activities: Partial<Activities>) {
  const env = testEnv();
  const taskQueue = `${name}-${randomBytes(4).toString('hex')}`;
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle: { codePath: env.workflowBundle }, activities });
  const running = worker.run();
  return {
    client,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** The coded domain error an Update was refused with (by its validator, or by its handler). */
export async function updateRefusal(promise: Promise<unknown>): Promise<DomainErrorDetails> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe('DurapayDomainError');
  return cause.details?.[0] as DomainErrorDetails;
}
