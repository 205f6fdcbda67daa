import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORY_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * With DURAPAY_RECORD_HISTORIES=1 (npm run record-histories), saves a finished workflow's history as a replay
 * fixture. Otherwise it does nothing: the committed fixtures guard determinism.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.DURAPAY_RECORD_HISTORIES !== '1') return;
  const handle = client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  const history = await handle.fetchHistory();
  fs.mkdirSync(HISTORY_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORY_DIR, `${name}.json`), historyToJSON(history));
}
