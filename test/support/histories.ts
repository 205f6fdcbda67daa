import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { TEST_ENV_KEYS } from './test-env';

export const HISTORY_DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');

/**
 * With DURAPAY_RECORD_HISTORIES=1 (npm run record-histories), saves a finished workflow's history as a replay
 * fixture, exported by the temporal CLI as the samples do. Otherwise it does nothing: the committed fixtures
 * guard determinism.
 */
export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.DURAPAY_RECORD_HISTORIES !== '1') return;
  // Append-only: a history that ran is never re-recorded; new behaviour gets a new fixture name.
  if (fs.existsSync(path.join(HISTORY_DIR, `${name}.json`))) return;
  await client.workflow.getHandle(workflowId).result().catch(() => undefined);
  const json = execFileSync(
    process.env[TEST_ENV_KEYS.temporalCli]!,
    ['workflow', 'show', '--workflow-id', workflowId, '--output', 'json', '--address', process.env[TEST_ENV_KEYS.temporalAddress]!],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  fs.mkdirSync(HISTORY_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORY_DIR, `${name}.json`), json);
}
