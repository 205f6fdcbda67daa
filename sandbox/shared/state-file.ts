import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Reads a state file; a missing file means a fresh sandbox. `what` names the file in errors. */
export async function readStateFile<State extends { version: number }>(file: string, what: string): Promise<State | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const state = JSON.parse(text) as State;
  if (state.version !== 1) throw new Error(`${file}: unsupported ${what} version ${String(state.version)}`);
  return state;
}

/** Write tmp + rename, so a crash mid-write never leaves a half-written file behind. */
export async function writeStateFileAtomically(file: string, state: unknown, mode = 0o666): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(state), { mode });
  await fs.rename(tmp, file);
}
