import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import pg from 'pg';
import { WEBHOOK_DELIVERY_CHANNEL } from '../activities/merchant-events';
import type { Database } from '../platform/database';
import type { DeliverWebhookInput } from '../workflows/deliver-webhook';

/** Deliveries started at once, at most. */
const BATCH = 50;

export interface WebhookDispatcherOptions {
  databaseUrl: string;
  db: Database;
  client: Client;
  taskQueue: string;
  retryDelaysSeconds: number[];
  /** Also looks for undispatched deliveries this often, in case a notification was missed (listener down). */
  sweepIntervalMs?: number;
  onError?: (error: unknown) => void;
}

export interface WebhookDispatcher {
  stop(): Promise<void>;
}

/**
 * Starts one deliverWebhook workflow per queued delivery, as soon as the transaction that queued it commits
 * (PostgreSQL LISTEN/NOTIFY), and on a sweep for any it missed. Every worker may run one: workflow ids are the
 * delivery ids and a closed delivery is never started again (REJECT_DUPLICATE), so racing dispatchers start each once.
 */
export async function startWebhookDispatcher(options: WebhookDispatcherOptions): Promise<WebhookDispatcher> {
  const { db, client } = options;
  const onError = options.onError ?? (() => undefined);
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const startDelivery = async (id: string): Promise<void> => {
    const input: DeliverWebhookInput = { deliveryId: id, retryDelaysSeconds: options.retryDelaysSeconds };
    try {
      await client.workflow.start('deliverWebhook', {
        workflowId: id, taskQueue: options.taskQueue, args: [input], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    await db('webhook_deliveries').where({ id }).whereNull('dispatched_at').update({ dispatched_at: db.fn.now() });
  };

  const dispatchQueued = async (): Promise<void> => {
    for (;;) {
      const rows: Array<{ id: string }> = await db('webhook_deliveries').whereNull('dispatched_at').orderBy('created_at').limit(BATCH).select('id');
      // Started side by side: under load, one start at a time would queue deliveries behind each other.
      await Promise.all(rows.map(({ id }) => startDelivery(id)));
      if (rows.length < BATCH || stopped) return;
    }
  };

  const trigger = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await dispatchQueued().catch(onError);
      } while (again && !stopped);
      running = null;
    })();
  };

  let listener: pg.Client | null = null;
  const listen = async (): Promise<void> => {
    const connection = new pg.Client({ connectionString: options.databaseUrl });
    connection.on('notification', trigger);
    connection.on('error', (error) => {
      onError(error);
      if (listener === connection) listener = null;
      connection.end().catch(() => undefined);
    });
    await connection.connect();
    await connection.query(`listen ${WEBHOOK_DELIVERY_CHANNEL}`);
    listener = connection;
  };

  await listen();
  trigger();
  const sweep = setInterval(() => {
    if (!listener) listen().catch(onError);
    trigger();
  }, options.sweepIntervalMs ?? 5000);

  return {
    async stop() {
      stopped = true;
      clearInterval(sweep);
      await running;
      await listener?.end().catch(() => undefined);
    },
  };
}
