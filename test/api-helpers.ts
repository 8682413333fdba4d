import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../api/app.js';
import { loadTokens } from '../api/auth.js';
import { projectRoot } from '../config/index.js';
import type { Database } from '../db/client.js';
import { defaultRules, type RuleSet } from '../domain/rules.js';

export const tokens = loadTokens(`${projectRoot}/config/dev-tokens.json`);

/** Authorization header of a dev token (see config/dev-tokens.json). */
export const as = (token: string) => ({ authorization: `Bearer ${token}` });

export async function testApp(opts: {
  database: Database;
  temporal: Client;
  taskQueue: string;
  rules?: RuleSet;
}): Promise<FastifyInstance> {
  const app = await buildApp({
    database: opts.database,
    temporal: opts.temporal,
    taskQueue: opts.taskQueue,
    rules: opts.rules ?? defaultRules,
    tokens,
    logLevel: 'silent',
  });
  await app.ready();
  return app;
}

/** A Temporal client whose server never answers (without the client's retries: it fails at once). */
export function deadTemporalClient(): Client {
  return new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500, interceptors: [] }) });
}
