/**
 * Process configuration, read from the environment and validated with zod at start-up.
 * Every variable the code reads is declared here (the docker-compose test checks them).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createLogger } from './logging.js';
import { closingDayRuleError } from '../domain/calendar.js';
import { DEFAULT_CLOSING_DAYS } from '../domain/rules.js';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const port = z.coerce.number({ message: 'must be a port number (1-65535)' }).int().min(1).max(65535);
const hour = z.coerce.number({ message: 'must be an hour 0-23' }).int().min(0, 'must be an hour 0-23').max(23, 'must be an hour 0-23');
const positiveInt = z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').positive('must be positive');
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** The development tokens (README); refused in production. */
export const devTokensFile = path.join(projectRoot, 'config', 'dev-tokens.json');

export const envSchema = z.object({
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The Temporal Web UI as a browser reaches it: the case page links each case there. */
  TEMPORAL_WEB_UI_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8233'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('overgang'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PGLITE_DIR: z.string().min(1).default(path.join(projectRoot, '.data', 'pglite')),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  /** `production`: the worker runs only a prebuilt workflow bundle and the API refuses the dev tokens. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Worker: the Temporal SDK's Prometheus metrics on HOST:this port (`/metrics`); 0 = off. */
  WORKER_METRICS_PORT: z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(9464),
  /** API: request metrics for Prometheus on HOST:this port (`/metrics`); 0 = off. */
  API_METRICS_PORT: z.coerce.number({ message: 'must be a port number (0-65535)' }).int().min(0).max(65535).default(9465),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AUTH_TOKENS_FILE: z.string().min(1).default(devTokensFile),
  /** API: how long the database or Temporal may take to answer before the request gets 503 (ms). */
  DEPENDENCY_TIMEOUT_MS: positiveInt.default(5000),
  /** API: how long a case's Update may wait for a worker to accept it before the request gets 503 (ms). */
  WORKER_TIMEOUT_MS: positiveInt.default(5000),
  /**
   * API: decisions of one API process waiting for Temporal at once; the next ones queue for at
   * most `DECISION_ADMISSION_WAIT_MS`, then 503 (`dependency: capacity`, Retry-After 1) unsent.
   */
  DECISION_MAX_IN_FLIGHT: positiveInt.default(32),
  DECISION_ADMISSION_WAIT_MS: positiveInt.default(2000),
  /** API: how long an Idempotency-Key is remembered (hours). */
  IDEMPOTENCY_KEY_TTL_HOURS: positiveInt.default(24),
  /** API: instants older than this many days are refused as implausible (400). */
  PLAUSIBLE_PAST_DAYS: positiveInt.default(730),
  /**
   * API: planned days (expected discharge, a provider's start, a stay's planned or new end date)
   * further ahead than this many days are refused as implausible (400).
   */
  PLAUSIBLE_FUTURE_DAYS: positiveInt.default(365),
  /**
   * API: days a MedCom HospitalNotification for a citizen the municipality does not know (no case)
   * is kept before it is purged, with the hospital episode it alone built.
   */
  MEDCOM_UNKNOWN_CITIZEN_RETENTION_DAYS: positiveInt.default(30),
  /** API: a færdigmelding (readyAt) may open a bed-day period at most this many days long (400 beyond). */
  MAX_BED_DAY_PERIOD_DAYS: positiveInt.default(365),
  /**
   * API: seconds between checks of the planner statistics (ANALYZE of tables never analyzed,
   * changed by more than 50 rows + 10 % as autovacuum would, or grown by 10 %); 0 = never (leave
   * it to autovacuum).
   */
  DB_ANALYZE_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(60),
  /** Local hour (Europe/Copenhagen) at which overnight escalations fire after the due day. */
  ESCALATION_LOCAL_HOUR: hour.default(0),
  /** Warnings before the 12-week psychiatric deadline, in whole weeks, comma-separated. */
  PSYCHIATRIC_WARNING_WEEKS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of whole weeks, e.g. 8,11')
    .default('8,11'),
  /** Which day after the færdigmelding is the first paid bed-day (1 = the day after). */
  BED_DAY_FIRST_PAID_OFFSET: z.coerce.number().int().min(0).max(1).default(1),
  /** Whether the discharge day itself is a paid bed-day. */
  BED_DAY_COUNT_DISCHARGE_DAY: bool.default(false),
  /** Hours a citizen has to answer an offer of a temporary place. */
  OFFER_REPLY_HOURS: positiveInt.default(24),
  /** Days after discharge home within which the follow-up home visit is due. */
  FOLLOW_UP_VISIT_DAYS: positiveInt.default(7),
  /** Days before a temporary stay's end date that the reassessment is due. */
  STAY_REVIEW_DAYS_BEFORE_END: positiveInt.default(7),
  /** Hospital discharge: working days after the care plan arrives by which the vulnerability assessment is due. */
  VULNERABILITY_ASSESSMENT_WORKING_DAYS: positiveInt.default(1),
  /** Hospital discharge: days after discharge home by which local visitation follows up more help at home. */
  HELP_FOLLOW_UP_DAYS: positiveInt.default(14),
  /** Nursing-home follow-up: the individual decision is at risk from this many weeks after moving in. */
  NURSING_HOME_DECISION_AT_RISK_WEEKS: positiveInt.default(3),
  /** Nursing-home follow-up: the individual decision is due by the end of the day this many weeks after moving in. */
  NURSING_HOME_DECISION_DUE_WEEKS: positiveInt.default(6),
  /** Complaints: weeks from the municipality's receipt within which the decision is reconsidered (retssikkerhedsloven § 66). */
  COMPLAINT_RECONSIDERATION_WEEKS: positiveInt.default(4),
  /** Grant: days before a temporary grant's last day that the expiry decision is due. */
  GRANT_EXPIRY_LEAD_DAYS: positiveInt.default(14),
  /** Grant: days after a significant deviation of the delivered time by which the assessor reassesses the grant. */
  GRANT_REASSESSMENT_DAYS: positiveInt.default(14),
  /** Grant: months of notice given to a provider when the citizen changes provider (003: one month). */
  PROVIDER_NOTICE_MONTHS: positiveInt.default(1),
  /** Letters: weeks the citizen has to complain, stated in every decision letter (retssikkerhedsloven § 67: 4). */
  COMPLAINT_WEEKS: positiveInt.default(4),
  /**
   * Municipal closing days skipped by every working-day deadline (besides weekends and public
   * holidays), comma-separated: `MM-DD` every year, `YYYY-MM-DD` once, `easter±N` every year.
   * `none`: no closing days.
   */
  MUNICIPAL_CLOSING_DAYS: z
    .string()
    .superRefine((v, ctx) => {
      if (v.trim() === 'none') return;
      for (const rule of v.split(',').map((d) => d.trim()).filter((d) => d !== '')) {
        const error = closingDayRuleError(rule);
        if (error) ctx.addIssue({ code: 'custom', message: `${error} (e.g. 06-05,12-24,12-31,2027-05-07,easter+40)` });
      }
    })
    .default(DEFAULT_CLOSING_DAYS.join(',')),
  /**
   * Worker: workflows kept in the sticky cache (0 = no cache: every task replays its history).
   * The cache is what holds memory: each cached case costs a small, measured amount (docs/operations.md,
   * "Worker memory"); a full cache evicts the least recently used case, it never grows.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(0, 'must be 0 or more').default(100),
  /** Worker: workflow tasks executed at once (at least 2 with a cache, at most the cache size). */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number({ message: 'must be a whole number' }).int('must be a whole number').min(2, 'must be 2 or more').default(40),
  /** Worker: activity tasks executed at once (each holds a database connection while it runs). */
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt.default(40),
  /** Worker: threads running workflow code (one V8 heap each; 1 is enough on 2 cores). */
  WORKER_WORKFLOW_THREADS: positiveInt.max(16, 'must be at most 16').default(1),
  /**
   * Worker: a prebuilt workflow bundle (`npm run build:workflows`); unset → the one `npm run build`
   * put beside the compiled code (dist/workflow-bundle.js), else bundled at start (never in production).
   */
  WORKER_WORKFLOW_BUNDLE: z.string().optional(),
  /** Payload encryption keys: a JSON file `{ "current": id, "keys": { id: base64 } }` (codec/keys.ts, docs/encryption.md). */
  PAYLOAD_KEYS_FILE: z.string().min(1).optional(),
  /** Payload encryption keys: the same JSON inline (from a secret store); instead of PAYLOAD_KEYS_FILE. */
  PAYLOAD_KEYS: z.string().min(1).optional(),
  /** API: origins (the Temporal Web UI's) allowed to call the codec endpoint `/codec/*` from a browser, comma-separated. */
  CODEC_CORS_ORIGINS: z
    .string()
    .regex(/^(https?:\/\/[^\s,/]+)(,https?:\/\/[^\s,/]+)*$/, 'must be comma-separated origins, e.g. http://localhost:8233')
    .default('http://localhost:8233,http://127.0.0.1:8233'),
  /**
   * API, development only: a token of AUTH_TOKENS_FILE whose user a codec request without an
   * Authorization header acts as (the dev server's Web UI forwards no token). Unset: a token is required.
   */
  CODEC_DEVELOPMENT_TOKEN: z.string().min(1).optional(),
  /**
   * Look-up log (logning af opslag) and expired idempotency keys: entries older than this many days
   * are deleted nightly. At least six months, which can be 184 days (July–December).
   */
  ACCESS_LOG_RETENTION_DAYS: positiveInt.min(184, 'must be at least 184 (six months, the minimum; six months can be 184 days)').default(184),
});

export type AppConfig = z.infer<typeof envSchema>;

/** Names of every environment variable the code reads. */
export const envVariableNames = Object.keys(envSchema.shape) as (keyof AppConfig)[];

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked: Record<string, string> = {};
  for (const name of envVariableNames) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && parsed.data.CODEC_DEVELOPMENT_TOKEN) {
    throw new ConfigError('invalid configuration:\n  CODEC_DEVELOPMENT_TOKEN: development only (a decode without a token would act as its user); refused in production');
  }
  return parsed.data;
}

/**
 * The configuration of a process that runs on its own (`npm run api`, `npm run worker`): it needs
 * a PostgreSQL server, since embedded PGlite serves one process only.
 */
export function standaloneConfig(process: 'API' | 'worker'): AppConfig {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    throw new ConfigError(
      `invalid configuration:\n  DATABASE_URL: required when the ${process} runs on its own (embedded PGlite serves one process: use \`npm start\`)`,
    );
  }
  if (config.NODE_ENV === 'production' && config.AUTH_TOKENS_FILE === devTokensFile) {
    throw new ConfigError('invalid configuration:\n  AUTH_TOKENS_FILE: required in production (the development tokens are refused)');
  }
  return config;
}

/** Runs a process's main function; a configuration error is printed as such, anything else with its stack. */
export function runMain(main: () => Promise<void>, logger: Logger = createLogger('overgang')): void {
  main().catch((err) => {
    if (err instanceof ConfigError) logger.fatal({ kind: 'configuration' }, err.message);
    else logger.fatal({ err }, 'stopped by an error');
    logger.flush();
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}
