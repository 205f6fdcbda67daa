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
let startedAt: Date;
beforeAll(async () => {
  stack = await TestStack.start();
  startedAt = new Date();
});
afterAll(async () => {
  // The fuzzed webhook endpoints (https://0.com …) would otherwise get a delivery for every later event of the
  // shared test database. Other test files' endpoints point at local receivers, which are left alone.
  await stack?.db('webhook_endpoints').where('created_at', '>=', startedAt).whereNull('deleted_at')
    .whereNot('url', 'like', 'http://127.0.0.1%').whereNot('url', 'like', 'http://localhost%')
    .update({ deleted_at: stack.db.fn.now() });
  await stack?.stop();
});

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
