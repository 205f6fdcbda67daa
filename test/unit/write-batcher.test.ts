import { WriteBatcher } from '../../platform/write-batcher';

describe('WriteBatcher', () => {
  it('writes alone when idle, and together what arrives while a write is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstWriteHeld = new Promise<void>((resolve) => (release = resolve));
    const batcher = new WriteBatcher<number, string>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstWriteHeld;
      return items.map((item) => `stored ${item}`);
    });
    const first = batcher.add(1);
    const waiting = [batcher.add(2), batcher.add(3), batcher.add(4)];
    release();
    expect(await first).toBe('stored 1');
    expect(await Promise.all(waiting)).toEqual(['stored 2', 'stored 3', 'stored 4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every item of a failed batch, and keeps writing later ones', async () => {
    let fail = true;
    const batcher = new WriteBatcher<number, number>(async (items) => {
      if (fail) throw new Error('database away');
      return items;
    });
    await expect(batcher.add(1)).rejects.toThrow('database away');
    fail = false;
    expect(await batcher.add(2)).toBe(2);
  });

  it('splits what waits into batches of at most maxBatch', async () => {
    const sizes: number[] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      sizes.push(items.length);
      return items;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((item) => batcher.add(item)))).toEqual([1, 2, 3, 4, 5]);
    expect(sizes).toEqual([1, 2, 2]);
  });
});
