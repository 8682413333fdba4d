import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../config/index.js';
import { createLogger } from '../config/logging.js';

/** Webpack's warnings and errors as JSON log lines; the rest is noise. */
function bundlerLogger(): NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']> {
  const log = createLogger('worker');
  const quiet = () => {};
  return { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
}

export const workflowsPath = path.join(projectRoot, 'workflows', 'index.ts');
/** Workflow interceptors, in every bundle (worker, tests, replay): a decision that arrives after its caller gave up is refused. */
const workflowInterceptorModules = [path.join(projectRoot, 'workflows', 'shared', 'decision-deadline.ts')];

/**
 * Bundles the workflow code once (webpack); the result can be written to disk and reused
 * (`npm run build:workflows`, WORKER_WORKFLOW_BUNDLE).
 *
 * The workflow modules are preloaded: evaluated once per workflow thread and shared by every
 * workflow it runs (reuseV8Context), instead of once per cached workflow. Measured with 420
 * cached psychiatric cases (heap snapshots, docs/operations.md "Worker memory"): 234 KB of V8 heap per
 * cached workflow without preloading (luxon's classes and caches and our modules' closures,
 * evaluated again for each), 82 KB with. This is safe because no workflow module keeps
 * per-workflow state at module scope (the only module-level state is calendar.ts's holiday
 * cache, a pure function of the year) and none calls a workflow API while it loads (queries,
 * updates and the activity proxy are definitions; they reach the workflow when called). The SDK
 * deep-freezes preloaded modules' exports: a workflow must never mutate an exported constant.
 */
export async function bundleWorkflows(): Promise<{ code: string }> {
  return bundleWorkflowCode({
    workflowsPath,
    preloadModules: [workflowsPath],
    workflowInterceptorModules,
    webpackConfigHook: (config) => {
      config.resolve = {
        ...config.resolve,
        extensionAlias: { '.js': ['.ts', '.js'] },
      };
      return config;
    },
    logger: bundlerLogger(),
  });
}

/**
 * Bundles the workflow code in a short-lived child process (`scripts/build-workflows.ts`) and
 * returns the file it wrote, for a worker started without a prebuilt bundle. Webpack's memory
 * (~115 MiB of the worker's RSS, docs/operations.md "Worker memory") leaves with the child instead of staying
 * in the worker for its whole life. `remove()` deletes the file once the worker has read it.
 */
export async function bundleWorkflowsInChild(): Promise<{ codePath: string; remove(): void }> {
  const codePath = path.join(os.tmpdir(), `overgang-workflow-bundle-${process.pid}-${randomUUID()}.js`);
  const script = path.join(projectRoot, 'scripts', 'build-workflows.ts');
  await new Promise<void>((resolve, reject) => {
    // the same node and loader flags (tsx) this process runs with
    const child = spawn(process.execPath, [...process.execArgv, script, codePath], {
      stdio: ['ignore', 'ignore', 'inherit'],
      cwd: projectRoot,
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`bundling the workflow code failed (exit ${code ?? signal})`))));
  });
  return { codePath, remove: () => rmSync(codePath, { force: true }) };
}
