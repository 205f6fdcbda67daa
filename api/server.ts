import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiDependencies, createApi } from './app';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Listens on loopback (or the configured host) and relays stored webhooks that never reached a workflow. */
export interface ApiServerOptions {
  host: string;
  port: number;
  relayIntervalMs: number;
  /** The whole request (headers and body) must arrive within this; a slow upload can't hold a connection. */
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** On close, in-flight requests get this long to finish before their connections are cut. */
  drainMs?: number;
}

export async function startApiServer(deps: ApiDependencies, options: ApiServerOptions): Promise<RunningApi> {
  const { app, dispatcher } = createApi(deps);
  const server = http.createServer(
    { requestTimeout: options.requestTimeoutMs ?? 30_000, headersTimeout: options.headersTimeoutMs ?? 10_000 },
    app.callback(),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  let relaying: Promise<void> | null = null;
  const relay = setInterval(() => {
    if (relaying) return;
    relaying = dispatcher
      .relayPending()
      .then(() => undefined)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'webhook relay failed; will retry'))
      .finally(() => {
        relaying = null;
      });
  }, options.relayIntervalMs);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      clearInterval(relay);
      // A relay pass under way finishes first: its calls must not outlive the Temporal connection.
      await relaying;
      // Stop accepting, let in-flight requests answer, then cut whatever is left.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
      await closed;
      clearTimeout(cut);
      // Answered webhooks still queued for their hand-off get the same grace; any left stay stored for a relay.
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([dispatcher.drain(), new Promise((resolve) => (giveUp = setTimeout(resolve, options.drainMs ?? 10_000)))]);
      clearTimeout(giveUp);
      await dispatcher.stop();
    },
  };
}
