import { DebouncedSave } from './debounced-save';
import { readStateFile, writeStateFileAtomically } from './state-file';

export interface StateFileFormat {
  /** Names the file in errors, e.g. "unsupported <what> version 2". */
  what: string;
  /** File permissions; the default is Node's (0666 less the umask). */
  mode?: number;
}

/** A sandbox's objects, in memory, saved whole to one JSON file (when one is configured) shortly after changes. */
export abstract class PersistedStore<State extends { version: number }> {
  private readonly saves: DebouncedSave | null;

  protected constructor(
    private readonly stateFile: string | null,
    private readonly format: StateFileFormat,
    onSaveError: (error: unknown) => void,
  ) {
    this.saves = stateFile ? new DebouncedSave(() => writeStateFileAtomically(stateFile, this.snapshot(), format.mode), onSaveError) : null;
  }

  /** Call after every mutation; writes are debounced and serialized. */
  changed(): void {
    this.saves?.changed();
  }

  /** Writes any pending change now and waits for it (used by close()). */
  async flush(): Promise<void> {
    await this.saves?.flush();
  }

  /** The saved state; null for a fresh sandbox (no file configured, or none written yet). */
  protected async readSavedState(): Promise<State | null> {
    return this.stateFile ? readStateFile<State>(this.stateFile, this.format.what) : null;
  }

  /** Everything to save, taken as each write starts. */
  protected abstract snapshot(): State;
}
