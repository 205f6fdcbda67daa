import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Failure messages and stack traces travel as an encoded payload (`encodedAttributes`), so the payload codec
 * encrypts them like any other payload: an activity's error quoting a customer value never sits in a history in
 * clear. Loaded by path (client, worker, and the workflow bundle, which must include it).
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

export const FAILURE_CONVERTER_PATH = __filename;
