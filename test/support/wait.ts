/** Polls until check() returns a value; fails with a message naming what it waited for. Never asserts on timing. */
export async function waitFor<T>(check: () => Promise<T | undefined>, options: { timeoutMs?: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}
