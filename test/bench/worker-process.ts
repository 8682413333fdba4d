/**
 * The bench's worker process: exactly what `npm run worker` runs (configuration from the
 * environment, `createWorkerFromConfig`), plus one JSON line a second on stdout with its memory
 * and how many workflows it holds in its cache, for the bench to read.
 */
import v8 from 'node:v8';
import { loadConfig } from '../../config/index.js';
import { openDatabase } from '../../db/client.js';
import { createWorkerFromConfig, workerLimits } from '../../worker/worker.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig();
const database = await openDatabase(config);
const { worker, connection } = await createWorkerFromConfig(config, database);
const limits = workerLimits(config);
let peakCached = 0;
const report = () => {
  const m = process.memoryUsage();
  const status = worker.getStatus();
  peakCached = Math.max(peakCached, status.numCachedWorkflows);
  process.stdout.write(
    JSON.stringify({
      bench: 'worker',
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external,
      heapLimit: v8.getHeapStatistics().heap_size_limit,
      cached: status.numCachedWorkflows,
      peakCached,
      inFlight: status.numInFlightWorkflowActivations,
      state: status.runState,
      limits,
    }) + '\n',
  );
};
const timer = setInterval(report, 1000);
report();
try {
  await worker.run();
} finally {
  clearInterval(timer);
  await connection.close();
  await database.close();
}
