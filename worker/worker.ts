import { existsSync } from 'node:fs';
import path from 'node:path';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { ConfigError, projectRoot, type AppConfig } from '../config/index.js';
import { temporalConnectConfig, type TemporalConnectOptions } from '../config/temporal.js';
import type { Database, Db } from '../db/client.js';
import { dataConverterFromConfig } from '../codec/index.js';
import { bundleWorkflows, bundleWorkflowsInChild } from './bundle.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** A prebuilt workflow bundle (tests build it once); bundled on the spot (in a child process) otherwise. */
  workflowBundle?: { code: string } | { codePath: string };
  /** Extra worker options (tests lower the shutdown grace time). */
  options?: Partial<WorkerOptions>;
}

export async function createOvergangWorker(opts: CreateWorkerOptions): Promise<Worker> {
  // without a prebuilt bundle: bundled in a child process, so webpack's memory is not the worker's
  const bundled = opts.workflowBundle ? undefined : await bundleWorkflowsInChild().catch((err: Error) => {
    Runtime.instance().logger.warn(`${err.message}: bundling in this process instead`);
    return undefined;
  });
  try {
    return await Worker.create({
      connection: opts.connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      workflowBundle: opts.workflowBundle ?? (bundled ? { codePath: bundled.codePath } : await bundleWorkflows()),
      activities: createActivities(opts.db),
      shutdownGraceTime: '10 seconds',
      ...opts.options,
    });
  } finally {
    bundled?.remove(); // the worker has read it
  }
}

/**
 * The worker's memory and concurrency bounds from configuration. Set explicitly: the SDK's
 * default cache size is derived from the main thread's heap limit, which on a large host (or a
 * container whose limit V8 does not see) admits more cached workflows than the workflow
 * thread's heap holds — the worker then dies with ERR_WORKER_OUT_OF_MEMORY instead of evicting.
 */
export function workerLimits(config: Pick<AppConfig, 'WORKER_MAX_CACHED_WORKFLOWS' | 'WORKER_MAX_CONCURRENT_WORKFLOW_TASKS' | 'WORKER_MAX_CONCURRENT_ACTIVITIES' | 'WORKER_WORKFLOW_THREADS'>): Partial<WorkerOptions> {
  const cache = config.WORKER_MAX_CACHED_WORKFLOWS;
  return {
    maxCachedWorkflows: cache,
    // the SDK caps this at the cache size; do it here so the effective value is the one we log
    maxConcurrentWorkflowTaskExecutions: cache > 0 ? Math.min(config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS, Math.max(cache, 2)) : config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    workflowThreadPoolSize: config.WORKER_WORKFLOW_THREADS,
    reuseV8Context: true,
  };
}

/** The bundle `npm run build` writes beside the compiled code (dist/workflow-bundle.js). */
export const builtBundlePath = path.join(projectRoot, 'workflow-bundle.js');

/**
 * The prebuilt workflow bundle to run: WORKER_WORKFLOW_BUNDLE, else the one beside the compiled
 * code; none → bundled at start, which production refuses (webpack at start costs seconds and
 * ~115 MiB, and production runs what was built and tested).
 */
export function prebuiltBundle(config: Pick<AppConfig, 'WORKER_WORKFLOW_BUNDLE' | 'NODE_ENV'>): { codePath: string } | undefined {
  const codePath = config.WORKER_WORKFLOW_BUNDLE ?? (existsSync(builtBundlePath) ? builtBundlePath : undefined);
  if (codePath !== undefined && !existsSync(codePath)) throw new ConfigError(`invalid configuration:\n  WORKER_WORKFLOW_BUNDLE: no such file: ${codePath}`);
  // compiled code (dist/) has no TypeScript workflow sources to bundle
  if (codePath === undefined && (config.NODE_ENV === 'production' || import.meta.url.endsWith('.js'))) {
    throw new ConfigError('invalid configuration:\n  WORKER_WORKFLOW_BUNDLE: production runs a prebuilt workflow bundle (`npm run build` writes dist/workflow-bundle.js); the worker does not bundle at start');
  }
  return codePath === undefined ? undefined : { codePath };
}

/** The worker as `npm run worker` and `npm start` run it: connected as config/temporal.ts says. */
export async function createWorkerFromConfig(config: AppConfig, database: Database, connect?: TemporalConnectOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const dataConverter = dataConverterFromConfig(config); // the payload keys, validated before anything connects
  const temporal = temporalConnectConfig(config, connect);
  const connection = await NativeConnection.connect(temporal.connectionOptions);
  const worker = await createOvergangWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db: database.db,
    workflowBundle: prebuiltBundle(config),
    options: { ...workerLimits(config), dataConverter },
  });
  return { worker, connection };
}
