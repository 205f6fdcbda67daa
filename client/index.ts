import { createClient, createConfig } from './generated/client';

/*
 * Durapay's TypeScript client: the functions and types generated from /openapi.json by @hey-api/openapi-ts
 * (client/generated, `npm run client:generate`), a configured client, and the Durapay-Signature check.
 */

export * from './generated';
export { DurapaySignatureError, verifyDurapayWebhook, type VerifyOptions } from './webhook-signature';

/** A client for one Durapay API and key; pass it as `client` to the generated functions. */
export function createDurapayClient(options: { baseUrl: string; apiKey: string }) {
  return createClient(createConfig({ baseUrl: options.baseUrl, headers: { Authorization: `Bearer ${options.apiKey}` } }));
}
