/** `npm run worker`: the Temporal worker as production runs it (config from the environment). */
import { ConfigError, loadConfig } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { createWorkerFromConfig } from './worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      'invalid configuration:\n  DATABASE_URL: required when the worker runs on its own (embedded PGlite serves one process: use `npm start`)',
    );
  }
  const database = await openDatabase(config);
  const { worker, connection } = await createWorkerFromConfig(config, database);
  console.log(`worker polling ${config.TEMPORAL_ADDRESS} namespace=${config.TEMPORAL_NAMESPACE} queue=${config.TEMPORAL_TASK_QUEUE}`);
  await worker.run(); // stops on SIGINT/SIGTERM (the SDK installs the handlers)
  await connection.close();
  await database.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
