import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/** Longer than the SDK's longest retry delay (5 s with 20 % jitter). */
const CLOSE_WAIT_MS = 7_000;

/**
 * The SDK retries a failed call on a timer; a timer that fires after the connection closed throws "Channel has been
 * shut down" outside any promise, an uncaught exception in whatever process closed it. These interceptors count
 * calls under way (retries included) and stop retrying once closing; `beforeClose` waits, bounded, until none is left.
 */
export function closeSafeInterceptors(): { interceptors: Interceptor[]; beforeClose: () => Promise<void> } {
  let underWay = 0;
  let closing = false;
  const idle: Array<() => void> = [];
  const retries = defaultGrpcRetryOptions();
  const counting: Interceptor = (options, nextCall) => new InterceptingCall(nextCall(options), {
    start(metadata, _listener, next) {
      underWay += 1;
      next(metadata, {
        onReceiveStatus(status, nextStatus) {
          underWay -= 1;
          if (underWay === 0) for (const resolve of idle.splice(0)) resolve();
          nextStatus(status);
        },
      });
    },
  });
  const retrying = makeGrpcRetryInterceptor({
    delayFunction: retries.delayFunction,
    retryableDecider: (attempt, status) => !closing && retries.retryableDecider(attempt, status),
  });
  return {
    // Outermost first: the count covers a call with all its retries.
    interceptors: [counting, retrying],
    async beforeClose() {
      closing = true;
      if (underWay === 0) return;
      let giveUp: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((resolve) => idle.push(resolve)), new Promise<void>((resolve) => (giveUp = setTimeout(resolve, CLOSE_WAIT_MS)))]);
      clearTimeout(giveUp);
    },
  };
}
