import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiDependencies, createApi } from './app';

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

/** Listens on loopback (or the configured host) and relays stored webhooks that never reached a workflow. */
export async function startApiServer(deps: ApiDependencies, options: { host: string; port: number; relayIntervalMs: number }): Promise<RunningApi> {
  const { app, dispatcher } = createApi(deps);
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  let relaying = false;
  const relay = setInterval(() => {
    if (relaying) return;
    relaying = true;
    dispatcher
      .relayPending()
      .catch((error: unknown) => deps.log.warn({ err: error }, 'webhook relay failed; will retry'))
      .finally(() => {
        relaying = false;
      });
  }, options.relayIntervalMs);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: async () => {
      clearInterval(relay);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
