const SAVE_DEBOUNCE_MS = 20;

/**
 * Turns "something changed" calls into few writes: one shortly after a burst of changes,
 * never two at once (each waits for the one before), errors reported rather than thrown.
 */
export class DebouncedSave {
  private timer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Call after every mutation. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, SAVE_DEBOUNCE_MS);
  }

  /** Writes any pending change now and waits for it (used by close()). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      await this.save();
    }
    await this.saving;
  }

  private save(): Promise<void> {
    // The write reads the state when it starts, so a queued write saves the newest state.
    this.saving = this.saving.then(() => this.write()).catch((error: unknown) => this.onError(error));
    return this.saving;
  }
}
