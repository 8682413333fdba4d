import { loadConfig } from '../config/index.js';
import { createLogger } from '../config/logging.js';
import { openDatabase } from './client.js';

const config = loadConfig();
const database = await openDatabase(config);
createLogger('overgang').info({ engine: database.engine }, 'migrations applied');
await database.close();
