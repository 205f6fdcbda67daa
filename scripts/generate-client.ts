import fs from 'node:fs';
import path from 'node:path';
import knex from 'knex';
import { createApi, type ApiDependencies } from '../api/app';
import { createLogger } from '../platform/logger';

/**
 * `npm run client:generate`, step one: writes the API's OpenAPI document (what GET /openapi.json serves) to
 * client/openapi.json without starting anything; @hey-api/openapi-ts then generates client/generated from it.
 * Routes only describe themselves at registration, so placeholder dependencies are never called.
 */
const placeholders = {
  db: knex({ client: 'pg' }),
  client: {}, connection: {}, providers: {}, log: createLogger('openapi', 'silent'), taskQueue: 'openapi',
  timing: { pollInitialSeconds: 60, pollMaxSeconds: 3600, authorizationExpirySeconds: 604800 },
  returnUrl: 'http://127.0.0.1:3000/return', keys: {}, refunds: {}, adminEmails: [], publicUrl: 'http://127.0.0.1:3000', offline: {},
} as unknown as ApiDependencies;

const target = path.resolve(__dirname, '..', 'client', 'openapi.json');
fs.writeFileSync(target, `${JSON.stringify(createApi(placeholders).openapi(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
process.exit(0);
