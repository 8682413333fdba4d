/**
 * The Temporal SDK's process-wide runtime, installed once before the first connection: its
 * logger is pino (config/logging.ts) — SDK, Core, workflow and activity logs alike — and its
 * worker metrics are served for Prometheus on HOST:WORKER_METRICS_PORT (`/metrics`, Core's own
 * exporter; 0 = off). docs/operations.md ("Monitoring") lists the metrics.
 */
import { makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { temporalLogger } from '../config/logging.js';

export function installRuntime(config: Pick<AppConfig, 'HOST' | 'WORKER_METRICS_PORT'>, logger: Logger): Runtime {
  const bindAddress = `${config.HOST}:${config.WORKER_METRICS_PORT}`;
  const runtime = Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: {
      // Core's native logs (connection, polling) forwarded to the same logger
      logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
      ...(config.WORKER_METRICS_PORT > 0 ? { metrics: { prometheus: { bindAddress } } } : {}),
    },
  });
  if (config.WORKER_METRICS_PORT > 0) logger.info({ metrics: `http://${bindAddress}/metrics` }, 'Temporal SDK metrics served');
  return runtime;
}
