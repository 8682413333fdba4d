import { loadConfig } from '../config/index.js';
import { openDatabase } from './client.js';

const config = loadConfig();
const database = await openDatabase(config);
console.log(`migrations applied (${database.engine})`);
await database.close();
