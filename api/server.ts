import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/client.js';
import { rulesFromConfig } from '../workflows/rules.js';
import { buildApp } from './app.js';
import { loadTokens } from './auth.js';

/** Builds the API from configuration (used by `npm run api` and `npm start`). */
export async function createApiFromConfig(
  config: AppConfig,
  database: Database,
): Promise<{ app: FastifyInstance; connection: Connection }> {
  const tokens = loadTokens(config.AUTH_TOKENS_FILE);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = await buildApp({
    database,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    rules: rulesFromConfig(config),
    tokens,
    logLevel: config.LOG_LEVEL,
  });
  return { app, connection };
}
