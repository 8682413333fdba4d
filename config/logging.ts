/**
 * One log format for every overgang process: pino JSON lines on stdout, one object per line with
 * `time` (ISO 8601), `level` (label), `service` (`api`, `worker`, `overgang` for the launchers),
 * `msg`, and the event's own fields. The API's Fastify logger is built from the same options; the
 * Temporal SDK's logger (worker, workflow and activity logs, and Core's native logs) is routed into
 * it by `temporalLogger` (installed with `Runtime.install`, worker/runtime.ts).
 *
 * No personal data: requests are logged by method and route pattern (never the URL with its ids
 * and query, never headers or bodies); workflows and activities log ids and codes only (house
 * rule); the Authorization header and anything named like a token, key or CPR is redacted should
 * it ever be passed. docs/operations.md ("Monitoring") lists the fields to alert on.
 */
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { pino, stdTimeFunctions, type Logger, type LoggerOptions } from 'pino';

export type Service = 'api' | 'worker' | 'overgang';

/** Paths redacted in every log line, should a caller ever pass them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'apiKey',
  'token',
  'cpr',
  '*.cpr',
  '*.apiKey',
  '*.token',
];

interface RequestLike {
  method?: string;
  id?: string;
  routeOptions?: { url?: string };
}

/** The pino options every process uses (Fastify takes them as its `logger` option). */
export function logOptions(service: Service, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // the route pattern (/cases/:id), never the URL: no ids, no query string
      req: (req: RequestLike) => ({ method: req.method, route: req.routeOptions?.url ?? '(no route)', reqId: req.id }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** A pino logger writing JSON lines to stdout. */
export function createLogger(service: Service, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(logOptions(service, level));
}

const PINO_LEVEL: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Plain fields of the SDK's metadata (its symbol-keyed entries, e.g. the timestamp, are dropped). */
function fields(meta: LogMetadata | undefined): Record<string, unknown> {
  if (!meta) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    out[k] = v instanceof Error ? { type: v.name, message: v.message } : v;
  }
  return out;
}

/**
 * The Temporal SDK's `Logger` on top of pino: SDK, Core, workflow (`log` from
 * `@temporalio/workflow`, replay-aware) and activity logs become pino lines with the SDK's
 * fields (`sdkComponent`, `workflowId` = case number, `workflowType`, `runId`, `activityType`, …).
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: TemporalLogLevel, message: string, meta?: LogMetadata) => logger[PINO_LEVEL[level] ?? 'info'](fields(meta), message);
  return {
    log: write,
    trace: (m, meta) => write('TRACE', m, meta),
    debug: (m, meta) => write('DEBUG', m, meta),
    info: (m, meta) => write('INFO', m, meta),
    warn: (m, meta) => write('WARN', m, meta),
    error: (m, meta) => write('ERROR', m, meta),
  };
}
