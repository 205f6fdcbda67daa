/** Helpers for the standalone entry points (sandbox/main.ts, sandbox/paypal-main.ts); `tag` prefixes every line. */

/** A port number from the environment; anything else ends the process with a message. */
export function portFromEnv(tag: string, name: string, fallback: string): number {
  const text = process.env[name]?.trim() || fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[${tag}] ${name} must be a port number, got ${JSON.stringify(text)}`);
    process.exit(1);
  }
  return port;
}

/** SIGINT or SIGTERM closes the sandbox (flushing its state) and then exits. */
export function closeOnSignals(tag: string, sandbox: { close(): Promise<void> }, log: (line: string) => void): void {
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`[${tag}] ${signal} received, shutting down`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[${tag}] error while closing`, error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** Runs `main`; a sandbox that fails to start ends the process with the error. */
export function runStandalone(tag: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`[${tag}] failed to start`, error);
    process.exit(1);
  });
}
