import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { AppConfig } from '../config/index.js';
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
    console.warn(`${err.message}: bundling in this process instead`);
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

/** The worker as `npm run worker` and `npm start` run it: connected to TEMPORAL_ADDRESS. */
export async function createWorkerFromConfig(config: AppConfig, database: Database): Promise<{ worker: Worker; connection: NativeConnection }> {
  const dataConverter = dataConverterFromConfig(config); // the payload keys, validated before anything connects
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createOvergangWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db: database.db,
    workflowBundle: config.WORKER_WORKFLOW_BUNDLE ? { codePath: config.WORKER_WORKFLOW_BUNDLE } : undefined,
    options: { ...workerLimits(config), dataConverter },
  });
  return { worker, connection };
}
