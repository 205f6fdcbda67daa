/**
 * Group commit for small writes: while one batch is being written, the items that arrive wait and go together in
 * the next, so N concurrent writers cost about one statement and one commit instead of N. Under light load every
 * item is written at once, alone. (DataLoader batches only what arrives within one tick; this batches what arrives
 * while the database is busy, which is when it pays.)
 */
export class WriteBatcher<Item, Result> {
  private pending: Array<{ item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }> = [];
  private writing = false;

  constructor(
    /** Writes a batch; returns one result per item, in order. */
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 500,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((entry) => entry.item));
        batch.forEach((entry, index) => entry.resolve(results[index]));
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    this.writing = false;
  }
}
