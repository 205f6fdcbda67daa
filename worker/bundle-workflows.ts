import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../platform/failure-converter';
import { tracingRequested } from '../platform/tracing';
import { workflowInterceptorModules } from './workflow-interceptor-modules';

/**
 * Bundles the workflows in a short-lived child process and returns the bundle: webpack's memory is then
 * given back to the system, instead of staying in the worker's heap (about 100 MB of its resident size) for its lifetime.
 */
export function bundleWorkflowsInChild(): { code: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durapay-workflows-'));
  try {
    const out = path.join(dir, 'workflow-bundle.js');
    execFileSync(process.execPath, ['--import', 'tsx', __filename, out], { stdio: ['ignore', 'ignore', 'inherit'] });
    return { code: fs.readFileSync(out, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // The failure converter is part of the bundle: workflows encode their failures as client and worker do.
  bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: workflowInterceptorModules(tracingRequested()),
    failureConverterPath: FAILURE_CONVERTER_PATH, logger: new DefaultLogger('WARN'),
  })
    .then(({ code }) => fs.writeFileSync(process.argv[2], code))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
