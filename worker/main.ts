/** `npm run worker` / `node dist/worker/main.js`: the Temporal worker as production runs it (config from the environment). */
import { runMain, standaloneConfig } from '../config/index.js';
import { createLogger } from '../config/logging.js';
import { temporalConnectConfig } from '../config/temporal.js';
import { openDatabase } from '../db/client.js';
import { installRuntime } from './runtime.js';
import { createWorkerFromConfig, prebuiltBundle } from './worker.js';

const log = createLogger('worker');
runMain(async () => {
  const config = standaloneConfig('worker');
  log.level = config.LOG_LEVEL;
  prebuiltBundle(config); // refused before anything starts
  installRuntime(config, log);
  const database = await openDatabase(config);
  const { worker, connection } = await createWorkerFromConfig(config, database);
  log.info({ temporal: temporalConnectConfig(config).summary, taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
  await worker.run(); // stops on SIGINT/SIGTERM (the SDK installs the handlers)
  await connection.close();
  await database.close();
  log.info('worker stopped');
}, log);
