import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/index.js';
import type { Database } from '../db/client.js';
import { dataConverterFromConfig } from '../codec/index.js';
import { startStatisticsKeeper } from '../db/planner-statistics.js';
import { rulesFromConfig } from '../domain/rules.js';
import { ensureSearchAttributes, searchAttributeNames } from './search-attributes.js';
import { buildApp } from './app.js';
import { loadTokens } from './auth.js';
import { startMedcomRetention } from './medcom/retention.js';
import { codecOptionsFromConfig } from './codec/routes.js';
import { ensureRetentionSchedule } from './retention-schedule.js';

/** Builds the API from configuration (used by `npm run api` and `npm start`). */
export async function createApiFromConfig(
  config: AppConfig,
  database: Database,
): Promise<{ app: FastifyInstance; connection: Connection }> {
  const tokens = loadTokens(config.AUTH_TOKENS_FILE);
  const dataConverter = dataConverterFromConfig(config); // the payload keys, validated before anything connects
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  // Cases are started with the CaseType search attribute: make sure the server knows it.
  try {
    const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    if (added.length) console.log(`[overgang] registered search attributes ${added.join(', ')} in namespace ${config.TEMPORAL_NAMESPACE}`);
  } catch (err) {
    console.warn(`[overgang] could not check the search attributes (${(err as Error).message}); register ${searchAttributeNames()} by hand`);
  }
  // the nightly retention schedule (look-up log, idempotency keys) on the Temporal server
  await ensureRetentionSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE, accessLogRetentionDays: config.ACCESS_LOG_RETENTION_DAYS, idempotencyKeyTtlHours: config.IDEMPOTENCY_KEY_TTL_HOURS }).catch((err: Error) =>
    console.warn(`[overgang] could not create or update the retention schedule (${err.message}); it is tried again at the next start`),
  );
  const app = await buildApp({
    database,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    rules: rulesFromConfig(config),
    tokens,
    logLevel: config.LOG_LEVEL,
    faults: { dependencyTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, workerTimeoutMs: config.WORKER_TIMEOUT_MS },
    idempotencyTtlHours: config.IDEMPOTENCY_KEY_TTL_HOURS,
    plausiblePastDays: config.PLAUSIBLE_PAST_DAYS,
    plausibleFutureDays: config.PLAUSIBLE_FUTURE_DAYS,
    maxBedDayPeriodDays: config.MAX_BED_DAY_PERIOD_DAYS,
    codec: codecOptionsFromConfig(config, dataConverter, tokens),
    accessLogRetentionDays: config.ACCESS_LOG_RETENTION_DAYS,
  });
  // Planner statistics for the list reads where autovacuum does not keep them (PGlite; a server
  // with autovacuum off): without them the work queue sorts every open item of a role.
  const keeper = startStatisticsKeeper(database.db, config.DB_ANALYZE_INTERVAL_SECONDS * 1000, {
    analyzed: (tables) =>
      app.log.info({ tables: tables.map((t) => `${t.table} (${t.reason})`) }, `planner statistics refreshed for ${tables.length} table(s)`),
    failed: (err) => app.log.warn({ err: { message: err.message } }, 'planner statistics: check failed, retried at the next interval'),
  });
  app.addHook('onClose', () => keeper.stop());
  const retention = startMedcomRetention(database.db, config.MEDCOM_UNKNOWN_CITIZEN_RETENTION_DAYS, app.log);
  app.addHook('onClose', () => retention.stop());
  return { app, connection };
}
