/** `npm run api` / `node dist/api/main.js`: the REST API as production runs it (config from the environment). */
import { runMain, standaloneConfig } from '../config/index.js';
import { createLogger } from '../config/logging.js';
import { openDatabase } from '../db/client.js';
import { createApiFromConfig } from './server.js';

const log = createLogger('api');
runMain(async () => {
  const config = standaloneConfig('API');
  const database = await openDatabase(config);
  const { app, connection } = await createApiFromConfig(config, database);
  await app.listen({ host: config.HOST, port: config.PORT });
  const stop = async () => {
    await app.close();
    await connection.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}, log);
