import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestStack } from '../support/stack';

/*
 * Schemathesis (installed by .ci/run into .tools/schemathesis) against /openapi.json: every phase, stateful
 * included, every check. The API must never answer 5xx, never refuse a request its own document says is valid,
 * and never answer outside the document.
 */
const projectRoot = path.resolve(__dirname, '..', '..');
const toolDir = path.join(projectRoot, '.tools', 'schemathesis');
/** Per operation; DURAPAY_SCHEMATHESIS_MAX_EXAMPLES raises it for a deeper run by hand. */
const maxExamples = process.env.DURAPAY_SCHEMATHESIS_MAX_EXAMPLES ?? '8';
/** One worker: with two threads, CPython 3.11's ast module (hypothesis describing a filter) fails now and then with
 * "AST constructor recursion depth mismatch", a schemathesis-side error that varies run to run. */
const WORKERS = '1';

let stack: TestStack;
/** What an earlier test file leaves in the shared database: resources whose workflows' worker has stopped. */
let leftovers: { payments: string[]; refunds: string[] };
beforeAll(async () => {
  leftovers = await leaveResourcesBehind();
  // Schemathesis follows every id the API lists. In the shared database it found earlier files' payments and
  // refunds, whose workflows no worker serves any more (their stacks stopped), and its commands on them waited out
  // the API's deadline: 503. Its own database holds only what it creates, so its verdict is about this API alone.
  stack = await TestStack.start({ database: 'own' });
});
afterAll(async () => {
  // Its database goes with it, and so do the webhook endpoints its fuzzing created (https://0.com …): no later test
  // file delivers events to them.
  await stack?.stop();
});

async function leaveResourcesBehind(): Promise<{ payments: string[]; refunds: string[] }> {
  const earlier = await TestStack.start();
  try {
    const pending = await earlier.createPayment({ payment_method_type: 'bank_transfer' });
    const declined = await earlier.createPayment({ payment_method: 'pm_card_chargeDeclined' });
    const paid = await earlier.createPayment({ payment_method: 'pm_card_visa' });
    const refund = await earlier.request('POST', `/v1/payments/${paid.body.id}/refunds`, { body: { reason: 'other', amount: 500 } });
    expect([pending.status, declined.body.status, refund.status]).toEqual([201, 'failed', 202]);
    return { payments: [pending.body.id, declined.body.id, paid.body.id], refunds: [refund.body.id] };
  } finally {
    await earlier.stop();
  }
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-m', 'schemathesis.cli', ...args], {
      env: { ...process.env, ...env, PYTHONPATH: [toolDir, path.join(__dirname, '..', 'schemathesis')].join(path.delimiter), SCHEMATHESIS_HOOKS: 'durapay_hooks' },
      cwd: os.tmpdir(),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

it('answers only what its document says: no server error, no valid request refused, no undocumented answer', async () => {
  for (const id of leftovers.payments) expect((await stack.request('GET', `/v1/payments/${id}`, { key: stack.adminKey })).status).toBe(404);
  for (const id of leftovers.refunds) expect((await stack.request('GET', `/v1/refunds/${id}`, { key: stack.adminKey })).status).toBe(404);
  const reportDir = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-schemathesis-'));
  const args = [
    '--config-file', path.join(__dirname, '..', 'schemathesis', 'schemathesis.toml'),
    'run', `${stack.apiUrl}/openapi.json`,
    '--checks', 'all', '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', maxExamples, '--seed', '42', '--workers', WORKERS,
    // The kill switch answers every new payment 503 by design (maintenance): fuzzing it would turn the API off.
    '--exclude-path', '/v1/admin/pause',
    '--generation-database', 'none', '--no-color', '--request-timeout', '60',
    // `--checks all` includes a 10 s response-time limit: speed is measured in bench/, never asserted here.
    '--max-response-time', '120',
    '--report', 'junit', '--report-dir', reportDir,
  ];
  const { code, output } = await run(args, { NO_COLOR: '1', DURAPAY_SCHEMATHESIS_TOKEN: stack.adminKey });
  // Only a failure's output is printed: schemathesis closes with a pytest-style line that log readers take for the
  // whole run's verdict. DURAPAY_SCHEMATHESIS_PRINT=1 prints it anyway (for the counts).
  if (code !== 0 || process.env.DURAPAY_SCHEMATHESIS_PRINT === '1') console.log(output);
  expect(code).toBe(0);
}, 15 * 60_000);
