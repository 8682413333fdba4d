import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp, type BuildAppOptions } from '../api/app.js';
import { loadTokens } from '../api/auth.js';
import { projectRoot } from '../config/index.js';
import type { Database } from '../db/client.js';
import { defaultRules, type RuleSet } from '../domain/rules.js';
import type { CodecOptions } from '../api/codec/routes.js';
import { testCodec } from './test-keys.js';

export const tokens = loadTokens(`${projectRoot}/config/dev-tokens.json`);

/** Authorization header of a dev token (see config/dev-tokens.json). */
export const as = (token: string) => ({ authorization: `Bearer ${token}` });

export async function testApp(opts: {
  database: Database;
  temporal: Client;
  taskQueue: string;
  rules?: RuleSet;
  /** Off against the time-skipping server (its clock runs ahead of the wall clock). */
  refuseLateDecisions?: boolean;
  /** The codec endpoint's options (default: the run's codec, CORS for the dev Web UI's origin, no tokenless user). */
  codec?: Partial<CodecOptions>;
  /** The bearer tokens (default: the dev tokens). */
  tokens?: typeof tokens;
  /** Deadlines for the database, Temporal and a worker (default 5 s each). */
  faults?: BuildAppOptions['faults'];
  /** Decisions waiting for Temporal at once and how long the next may queue (default 32, 2 s). */
  admission?: BuildAppOptions['admission'];
}): Promise<FastifyInstance> {
  const app = await buildApp({
    database: opts.database,
    temporal: opts.temporal,
    taskQueue: opts.taskQueue,
    rules: opts.rules ?? defaultRules,
    tokens: opts.tokens ?? tokens,
    logLevel: 'silent',
    codec: { codec: testCodec(), corsOrigins: ['http://localhost:8233'], ...opts.codec },
    ...(opts.refuseLateDecisions === false ? { refuseLateDecisions: false } : {}),
    ...(opts.faults ? { faults: opts.faults } : {}),
    ...(opts.admission ? { admission: opts.admission } : {}),
  });
  await app.ready();
  return sendingKeys(app);
}

/**
 * The tests' client does what every client of overgang does: each change carries an
 * Idempotency-Key — a fresh one unless the test names its own; `'idempotency-key': undefined`
 * sends none (to test the refusal).
 */
export function sendingKeys(app: FastifyInstance): FastifyInstance {
  const inject = app.inject.bind(app) as (o: InjectOptions) => ReturnType<FastifyInstance['inject']>;
  const keyed = (o: InjectOptions) => {
    if (!o.method || o.method === 'GET' || o.method === 'HEAD') return inject(o);
    const given = (o.headers ?? {}) as Record<string, string | undefined>;
    const headers: Record<string, string> = 'idempotency-key' in given ? {} : { 'idempotency-key': randomUUID() };
    for (const [k, v] of Object.entries(given)) if (v !== undefined) headers[k] = v;
    return inject({ ...o, headers });
  };
  app.inject = keyed as unknown as FastifyInstance['inject'];
  return app;
}

/** A Temporal client whose server never answers (without the client's retries: it fails at once). */
export function deadTemporalClient(): Client {
  return new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 500, interceptors: [] }) });
}
