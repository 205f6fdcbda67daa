import * as grpc from '@grpc/grpc-js';
import { connectTemporal } from '../../platform/temporal';

/**
 * A stand-in Temporal frontend: GetSystemInfo answers (so a connection opens), every DescribeNamespace answers
 * UNAVAILABLE, which the SDK retries on a timer. Closing the connection while such a retry waits must not leave a
 * timer that fires on the closed channel: that throws outside any promise and fails whatever process closed it.
 */
async function startUnavailableFrontend(): Promise<{ address: string; describeCalls: () => number; stop: () => Promise<void> }> {
  const server = new grpc.Server();
  let describeCalls = 0;
  const raw = (bytes: Buffer) => bytes;
  const method = (name: string) => ({
    path: `/temporal.api.workflowservice.v1.WorkflowService/${name}`, requestStream: false, responseStream: false,
    requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
  });
  server.addService({ GetSystemInfo: method('GetSystemInfo'), DescribeNamespace: method('DescribeNamespace') }, {
    GetSystemInfo: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)),
    DescribeNamespace: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => {
      describeCalls += 1;
      callback({ code: grpc.status.UNAVAILABLE, details: 'try again' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  return { address: `127.0.0.1:${port}`, describeCalls: () => describeCalls, stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

describe('closing a Temporal connection', () => {
  it('leaves no retry behind to fire on the closed channel', async () => {
    const frontend = await startUnavailableFrontend();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const { connection } = await connectTemporal(frontend.address, 'default');
      const call = connection.workflowService.describeNamespace({ namespace: 'default' }).catch((error: unknown) => error);
      // The first attempt has failed and its retry is waiting on a timer.
      while (frontend.describeCalls() < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await connection.close();
      expect(String(await call)).toMatch(/UNAVAILABLE|shut down|Cancelled/i);
      // Longer than the SDK's longest retry delay: any timer left behind has fired by now.
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      expect(uncaught.map(String)).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await frontend.stop();
    }
  }, 30_000);
});
