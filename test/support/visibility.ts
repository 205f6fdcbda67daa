import type { Client } from '@temporalio/client';
import { waitFor } from './wait';

/**
 * The workflow types an operator's Temporal UI search finds, sorted; waits until `expected` are all visible
 * (visibility lags a moment behind the workflows themselves).
 */
export async function workflowTypesFound(client: Client, query: string, expected: string[]): Promise<string[]> {
  return waitFor(async () => {
    const types: string[] = [];
    for await (const execution of client.workflow.list({ query })) types.push(execution.type);
    types.sort();
    return expected.every((type) => types.includes(type)) ? types : undefined;
  }, { what: `workflows of types ${expected.join(', ')} for ${query}` }).catch(async (error: unknown) => {
    const found: string[] = [];
    for await (const execution of client.workflow.list({ query })) found.push(execution.type);
    throw new Error(`${String(error)}; found ${JSON.stringify(found.sort())}`);
  });
}
