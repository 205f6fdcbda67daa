import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const STRIPE_MOCK_MODULE = 'github.com/stripe/stripe-mock@v0.197.0';

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** Finds stripe-mock (STRIPE_MOCK_PATH, PATH, ~/go/bin, .tools/bin), building it with Go into .tools/bin if needed. */
export function findStripeMock(projectRoot: string): string {
  const candidates = [
    process.env.STRIPE_MOCK_PATH,
    onPath('stripe-mock'),
    path.join(os.homedir(), 'go', 'bin', 'stripe-mock'),
    path.join(projectRoot, '.tools', 'bin', 'stripe-mock'),
  ].filter((candidate): candidate is string => Boolean(candidate));
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found) return found;
  const gobin = path.join(projectRoot, '.tools', 'bin');
  try {
    execFileSync('go', ['install', STRIPE_MOCK_MODULE], { env: { ...process.env, GOBIN: gobin }, stdio: 'inherit' });
  } catch {
    throw new Error(`stripe-mock is required for the Stripe contract test. Install it with: go install ${STRIPE_MOCK_MODULE} (or set STRIPE_MOCK_PATH).`);
  }
  return path.join(gobin, 'stripe-mock');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`stripe-mock did not listen on ${port}`);
}

export async function startStripeMock(binary: string): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  // stripe-mock also opens HTTPS (on :12112 unless told): a system-chosen loopback port keeps runs apart.
  const child = spawn(binary, ['-http-addr', `127.0.0.1:${port}`, '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`stripe-mock exited with ${code}: ${stderr}`)));
  });
  await Promise.race([waitForPort(port, 30_000), exited]);
  child.removeAllListeners('exit');
  return { url: `http://127.0.0.1:${port}`, process: child };
}
