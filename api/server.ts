import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config/index.js';
import { temporalConnectConfig, type TemporalConnectOptions } from '../config/temporal.js';
import type { Database } from '../db/client.js';
import { dataConverterFromConfig } from '../codec/index.js';
import { startStatisticsKeeper } from '../db/planner-statistics.js';
import { rulesFromConfig } from '../domain/rules.js';
import { ensureSearchAttributes, searchAttributeNames } from './search-attributes.js';
import { buildApp } from './app.js';
import { createApiMetrics, serveMetrics } from './metrics.js';
import { createLogger } from '../config/logging.js';
import { loadTokens } from './auth.js';
import { startMedcomRetention } from './medcom/retention.js';
import { codecOptionsFromConfig } from './codec/routes.js';
import { ensureRetentionSchedule } from './retention-schedule.js';

/** Builds the API from configuration (used by `npm run api` and `npm start`). */
export async function createApiFromConfig(
  config: AppConfig,
  database: Database,
  connect?: TemporalConnectOptions,
): Promise<{ app: FastifyInstance; connection: Connection }> {
  const tokens = loadTokens(config.AUTH_TOKENS_FILE);
  const log = createLogger('api', config.LOG_LEVEL);
  const { connectionOptions, namespace, summary } = temporalConnectConfig(config, connect);
  const dataConverter = dataConverterFromConfig(config); // the payload keys, validated before anything connects
  const connection = await Connection.connect(connectionOptions);
  log.info({ temporal: summary }, 'connected to Temporal');
  const temporal = new Client({ connection, namespace, dataConverter });
  // Cases are started with the CaseType search attribute: make sure the server knows it.
  try {
    const added = await ensureSearchAttributes(connection, namespace);
    if (added.length) log.info({ searchAttributes: added, namespace }, 'registered search attributes');
  } catch (err) {
    log.warn({ err: { message: (err as Error).message }, register: searchAttributeNames() }, 'could not check the search attributes; register them by hand');
  }
  // the nightly retention schedule (look-up log, idempotency keys) on the Temporal server
  await ensureRetentionSchedule(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE, accessLogRetentionDays: config.ACCESS_LOG_RETENTION_DAYS, idempotencyKeyTtlHours: config.IDEMPOTENCY_KEY_TTL_HOURS }).catch((err: Error) =>
    log.warn({ err: { message: err.message } }, 'could not create or update the retention schedule; it is tried again at the next start'),
  );
  const metrics = createApiMetrics();
  const app = await buildApp({
    database,
    temporal,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    rules: rulesFromConfig(config),
    tokens,
    logLevel: config.LOG_LEVEL,
    faults: { dependencyTimeoutMs: config.DEPENDENCY_TIMEOUT_MS, workerTimeoutMs: config.WORKER_TIMEOUT_MS },
    admission: { maxInFlight: config.DECISION_MAX_IN_FLIGHT, waitMs: config.DECISION_ADMISSION_WAIT_MS },
    idempotencyTtlHours: config.IDEMPOTENCY_KEY_TTL_HOURS,
    plausiblePastDays: config.PLAUSIBLE_PAST_DAYS,
    plausibleFutureDays: config.PLAUSIBLE_FUTURE_DAYS,
    maxBedDayPeriodDays: config.MAX_BED_DAY_PERIOD_DAYS,
    metrics,
    pages: { temporalWebUi: config.TEMPORAL_WEB_UI_URL },
    codec: codecOptionsFromConfig(config, dataConverter, tokens),
    accessLogRetentionDays: config.ACCESS_LOG_RETENTION_DAYS,
  });
  if (config.API_METRICS_PORT > 0) {
    const server = await serveMetrics(metrics, config.HOST, config.API_METRICS_PORT);
    app.addHook('onClose', () => new Promise<void>((r) => server.close(() => r())));
    app.log.info({ metrics: `http://${config.HOST}:${config.API_METRICS_PORT}/metrics` }, 'API metrics served');
  }
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
