import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  port: number;
  /** e.g. http://127.0.0.1:41234 (IPv6 hosts in brackets). */
  url: string;
  /** Stops accepting and drops kept-alive connections, so close never waits on an idle client. */
  close(): Promise<void>;
}

/** Listens on host:port (port 0: a free one); rejects if the port can't be had. */
export async function listen(handler: http.RequestListener, host: string, port: number): Promise<ListeningServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
