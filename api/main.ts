/** `npm run api`: the REST API as production runs it (config from the environment). */
import { ConfigError, loadConfig } from '../config/index.js';
import { openDatabase } from '../db/client.js';
import { createApiFromConfig } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      'invalid configuration:\n  DATABASE_URL: required when the API runs on its own (embedded PGlite serves one process: use `npm start`)',
    );
  }
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
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
