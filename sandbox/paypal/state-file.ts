import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { PersistedState } from './types';

/** Reads the state file; a missing file means a fresh sandbox. */
export async function readStateFile(file: string): Promise<PersistedState | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as PersistedState;
  if (state.version !== 1) throw new Error(`${file}: unsupported PayPal sandbox state version ${String(state.version)}`);
  return state;
}

/** Write tmp + rename, so a crash mid-write never leaves a half-written file; 0600 because it holds a private key. */
export async function writeStateFileAtomically(file: string, state: PersistedState): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  await fs.rename(tmp, file);
}
