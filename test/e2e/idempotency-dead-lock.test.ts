import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { keyId } from '../../api/middleware/auth';
import { requestFingerprint } from '../../api/middleware/idempotency';
import { TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await TestStack.start();
});
afterAll(async () => {
  await stack?.stop();
});

/** A key left in progress, locked for another minute, by the given owner. */
async function leftInProgress(key: string, body: unknown, owner: string, resourceId?: string): Promise<void> {
  await stack.db('idempotency_keys').insert({
    resource_id: resourceId,
    principal: keyId('merchant', stack.merchantKey), key, method: 'POST', path: '/v1/payments',
    fingerprint: requestFingerprint('POST', '/v1/payments', body), state: 'in_progress', locked_until: new Date(Date.now() + 60_000), locked_by: owner,
  });
}

it('releases at once a lock whose process died, and keeps one whose process lives', async () => {
  const body = { amount: 1500, currency: 'eur', payment_method: 'pm_card_visa' };
  const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  await leftInProgress(`dead-owner-${Date.now()}-key`, body, `${os.hostname()}:${deadPid}:boot-of-a-dead-process`);
  const [dead] = await stack.db('idempotency_keys').where('locked_by', 'like', `%:${deadPid}:%`).pluck('key');
  const retried = await stack.request('POST', '/v1/payments', { body, idempotencyKey: dead });
  expect(retried.status).toBe(201);
  expect(retried.body.status).toBe('succeeded');

  // pid 1 is alive: its lock stands until it expires.
  const live = `live-owner-${Date.now()}-key`;
  await leftInProgress(live, body, `${os.hostname()}:1:boot-of-init`);
  const refused = await stack.request('POST', '/v1/payments', { body, idempotencyKey: live });
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('idempotency_key_in_use');
});

it('creates a retried payment under the id reserved with its key, whichever way it was stored', async () => {
  const body = { amount: 1600, currency: 'eur', payment_method: 'pm_card_visa' };
  const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const owner = `${os.hostname()}:${deadPid}:boot-of-a-dead-process`;
  const suffix = `Reserved${Date.now()}`;
  // Reserved with the key by its first insert (the prefix comes later), or allocated in full by an older API.
  await leftInProgress(`reserved-${suffix}-key`, body, owner, `*${suffix}`);
  await leftInProgress(`allocated-${suffix}-key`, body, owner, `pay_Allocated${suffix}`);
  const reserved = await stack.request('POST', '/v1/payments', { body, idempotencyKey: `reserved-${suffix}-key` });
  expect(reserved.status).toBe(201);
  expect(reserved.body.id).toBe(`pay_${suffix}`);
  const allocated = await stack.request('POST', '/v1/payments', { body, idempotencyKey: `allocated-${suffix}-key` });
  expect(allocated.status).toBe(201);
  expect(allocated.body.id).toBe(`pay_Allocated${suffix}`);
  // A fresh key creates its payment under the id its own insert reserved.
  const fresh = await stack.request('POST', '/v1/payments', { body, idempotencyKey: `fresh-${suffix}-key` });
  const [row] = await stack.db('idempotency_keys').where({ key: `fresh-${suffix}-key` });
  expect(row.resource_id).toBe(`*${fresh.body.id.slice('pay_'.length)}`);
});
