/** `npm run worker`: the Temporal worker as production runs it (config from the environment). */
import { runMain, standaloneConfig } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { createWorkerFromConfig } from './worker.js';

runMain(async () => {
  const config = standaloneConfig('worker');
  const database = await openDatabase(config);
  const { worker, connection } = await createWorkerFromConfig(config, database);
  console.log(`worker polling ${config.TEMPORAL_ADDRESS} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`);
  await worker.run(); // stops on SIGINT/SIGTERM (the SDK installs the handlers)
  await connection.close();
  await database.close();
});
