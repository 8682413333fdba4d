import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import type { AppConfig } from '../config/index.js';
import type { Database, Db } from '../db/client.js';
import { bundleWorkflows } from './bundle.js';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** A prebuilt workflow bundle (tests build it once); bundled on the spot otherwise. */
  workflowBundle?: { code: string } | { codePath: string };
  /** Extra worker options (tests lower the shutdown grace time). */
  options?: Partial<WorkerOptions>;
}

export async function createOvergangWorker(opts: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
    activities: createActivities(opts.db),
    shutdownGraceTime: '10 seconds',
    ...opts.options,
  });
}

/** The worker as `npm run worker` and `npm start` run it: connected to TEMPORAL_ADDRESS. */
export async function createWorkerFromConfig(config: AppConfig, database: Database): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createOvergangWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    db: database.db,
  });
  return { worker, connection };
}
